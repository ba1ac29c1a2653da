// RunStatus: the states a run can be in, as the `runs.status` column holds them
// (migration 0001 CHECKs the same five values).

/// A run's `status` column. `running` until `RunRecorder.finish` sets another;
/// a run left `running` by a process that died was never finished.
public enum RunStatus: String, Sendable, CaseIterable {
  case running, completed, failed, interrupted, diverged
}
