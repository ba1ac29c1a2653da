// The one place an engine configuration becomes stored settings: `tracker run`
// records these, and `sweep` looks for a completed run with the same ones.
// (TrackerStore knows nothing of TrackerEngine; the CLI wires the two.)
import TrackerEngine
import TrackerStore

extension RunSettings {
  /// The settings `config` trains with, on data set `dataset` with fingerprint
  /// `datasetHash` (nil before the data is loaded).
  init(_ config: TrainingConfig, dataset: DatasetName, datasetHash: String?) {
    let s = config.settings
    self.init(
      optimizer: config.optimizer.rawValue, seed: Int64(bitPattern: config.seed), lr: s.lr,
      iters: config.iterations, batchSize: config.batchSize, evalInterval: config.evalInterval,
      momentum: s.momentum, adagradTheta: s.adagradTheta, decayRate: s.decayRate, beta1: s.beta1,
      beta2: s.beta2, hidden: config.hidden.map(String.init).joined(separator: ","),
      activation: config.activation.rawValue, weightInit: config.weightInit.description,
      batchnorm: config.batchNorm, dataset: dataset.rawValue, datasetHash: datasetHash,
      validation: config.validation)
  }
}
