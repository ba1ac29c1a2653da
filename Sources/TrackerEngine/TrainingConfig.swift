// What a training run is made of: the network shape, the optimizer and its
// hyperparameters, the schedule, and the seed. Defaults are the reference
// notebook's (see shared/reference/README.md). `validate()` rejects settings that
// cannot train, with messages naming the CLI option and the fix.

// MARK: - Choices

public enum Activation: String, CaseIterable, Sendable {
  case sigmoid, relu
}

/// How weights are initialised: `std(s)` draws s·N(0,1); `he` uses s = sqrt(2/fan_in);
/// `xavier` uses s = sqrt(1/fan_in) (as "Deep Learning from Scratch"'s MultiLayerNet
/// does). Biases start at 0.
public enum WeightInit: Sendable, Equatable, CustomStringConvertible {
  case std(Double)
  case he
  case xavier

  /// Parses "he", "xavier" or a positive finite number such as "0.01".
  public init?(_ text: String) {
    switch text {
    case "he": self = .he
    case "xavier": self = .xavier
    default:
      guard let value = Double(text), value.isFinite, value > 0 else { return nil }
      self = .std(value)
    }
  }

  /// "he", "xavier", or the number as Swift prints a Double ("0.01"); parses back
  /// with `init?(_:)` to the same value.
  public var description: String {
    switch self {
    case .std(let value): return "\(value)"
    case .he: return "he"
    case .xavier: return "xavier"
    }
  }

  /// The standard deviation for a weight matrix with `fanIn` inputs.
  func scale(fanIn: Int) -> Double {
    switch self {
    case .std(let value): return value
    case .he: return (2.0 / Double(fanIn)).squareRoot()
    case .xavier: return (1.0 / Double(fanIn)).squareRoot()
    }
  }
}

public enum OptimizerKind: String, CaseIterable, Sendable {
  case sgd, momentum, adagrad, rmsprop, adam
}

/// Hyperparameters of all optimizers; each optimizer reads the ones it uses.
public struct OptimizerSettings: Sendable, Equatable {
  public var lr = 0.01
  /// Momentum's mu.
  public var momentum = 0.9
  /// AdaGrad's starting value of h.
  public var adagradTheta = 1e-4
  /// RMSProp's decay of h.
  public var decayRate = 0.99
  public var beta1 = 0.9
  public var beta2 = 0.999
  public init() {}
}

// MARK: - Configuration

public struct TrainingConfig: Sendable {
  public var hidden: [Int] = [40, 20]
  public var activation: Activation = .sigmoid
  public var weightInit: WeightInit = .std(0.01)
  public var batchNorm = false
  public var optimizer: OptimizerKind = .adam
  public var settings = OptimizerSettings()
  public var iterations = 1000
  public var batchSize = 100
  public var evalInterval = 10
  public var seed: UInt64 = 1
  /// Threads for test-set evaluation only; results are identical for any count.
  public var threads = 2
  /// Training images held out as the validation set: the last `validation` of the
  /// training set, whatever the seed; mini-batches are drawn from the others. Its
  /// accuracy is measured once, at the last evaluation (`lastEvaluation`): that is
  /// what `tracker tune` selects on, and measuring it at every evaluation would
  /// double the cost of evaluating (about 60% more CPU per default run). 0: none,
  /// and the run is exactly what it was before validation sets existed.
  public var validation = 0

  /// The iteration of the last evaluation: the last multiple of `evalInterval`.
  public var lastEvaluation: Int { iterations - iterations % evalInterval }

  /// Hidden layers wider than this are refused (the dense kernels index columns
  /// with UInt16, and anything wider is far beyond what MNIST needs).
  public static let maximumHiddenWidth = 4096
  public static let maximumThreads = 256
  /// Rows of a batch are indexed with UInt16 in the backward pass.
  public static let maximumBatchSize = 65536
  /// Every iteration stores a loss row (about 20 bytes), so 10^8 iterations
  /// are already gigabytes and days of training; more is a typo, and values
  /// near Int.max overflowed (or allocated) in proportion to the option.
  public static let maximumIterations = 100_000_000
  /// Training buffers up to one interval of losses while an evaluation runs
  /// on a worker thread (16 bytes each): at most 1.6 MB.
  public static let maximumEvalInterval = 100_000
  /// Seeds are stored as SQLite integers (signed 64-bit); larger ones would
  /// read back negative.
  public static let maximumSeed = UInt64(Int64.max)

  public init() {}

  /// Throws a `ConfigError` naming the first bad option.
  public func validate() throws {
    func check(_ ok: Bool, _ option: String, _ problem: String) throws {
      if !ok { throw ConfigError(option: option, message: problem) }
    }
    /// A decay or momentum coefficient: in [0, 1).
    func checkFraction(_ x: Double, _ option: String) throws {
      try check(x.isFinite && x >= 0 && x < 1, option, "must be in [0, 1) (got \(x))")
    }
    try check(!hidden.isEmpty, "--hidden", "needs at least one hidden layer size, e.g. 40,20")
    try check(
      hidden.allSatisfy { (1...Self.maximumHiddenWidth).contains($0) }, "--hidden",
      "layer sizes must be between 1 and \(Self.maximumHiddenWidth) (got \(hidden.map(String.init).joined(separator: ",")))"
    )
    if case .std(let s) = weightInit {
      try check(
        s.isFinite && s > 0, "--weight-init",
        "must be 'he', 'xavier' or a positive number (got \(s))")
    }
    try check(iterations > 0, "--iters", "must be a positive integer (got \(iterations))")
    try check(
      iterations <= Self.maximumIterations, "--iters",
      "must be at most \(Self.maximumIterations) (got \(iterations))")
    try check(
      (1...Self.maximumBatchSize).contains(batchSize), "--batch-size",
      "must be between 1 and \(Self.maximumBatchSize) (got \(batchSize))")
    try check(
      evalInterval > 0, "--eval-interval", "must be a positive integer (got \(evalInterval))")
    try check(
      evalInterval <= Self.maximumEvalInterval, "--eval-interval",
      "must be at most \(Self.maximumEvalInterval) (got \(evalInterval))")
    try check(
      evalInterval <= iterations, "--eval-interval",
      "must not exceed --iters (\(evalInterval) > \(iterations)), or no evaluation would run")
    try check(
      validation >= 0, "--validation",
      "must be 0 (none) or a number of training images to hold out (got \(validation))")
    try check(
      (1...Self.maximumThreads).contains(threads), "--threads",
      "must be between 1 and \(Self.maximumThreads) (got \(threads))")
    try check(
      seed <= Self.maximumSeed, "--seed", "must be at most \(Self.maximumSeed) (got \(seed))")
    // Every setting is checked, used or not: a bad value is a mistake even
    // where the chosen optimizer ignores it (see `unusedOptions`).
    let s = settings
    try check(s.lr.isFinite && s.lr > 0, "--lr", "must be a positive finite number (got \(s.lr))")
    // Every optimizer's settings, whatever --opt is: a bad value is a typo either way.
    try checkFraction(s.momentum, "--momentum")
    try check(
      s.adagradTheta.isFinite && s.adagradTheta > 0, "--adagrad-theta",
      "must be a positive finite number (got \(s.adagradTheta))")
    try checkFraction(s.decayRate, "--decay-rate")
    try checkFraction(s.beta1, "--beta1")
    try checkFraction(s.beta2, "--beta2")
  }

  /// The CLI options of settings that differ from their defaults but that
  /// `optimizer` does not use, e.g. ["--momentum"] for SGD with
  /// `momentum = 0.5`: worth a note, since they change nothing.
  public var unusedOptions: [String] {
    let defaults = OptimizerSettings()
    let options: [(option: String, changed: Bool, user: OptimizerKind)] = [
      ("--momentum", settings.momentum != defaults.momentum, .momentum),
      ("--adagrad-theta", settings.adagradTheta != defaults.adagradTheta, .adagrad),
      ("--decay-rate", settings.decayRate != defaults.decayRate, .rmsprop),
      ("--beta1", settings.beta1 != defaults.beta1, .adam),
      ("--beta2", settings.beta2 != defaults.beta2, .adam),
    ]
    return options.filter { $0.changed && $0.user != optimizer }.map(\.option)
  }
}

/// A configuration that cannot train: `option` is the CLI spelling of the setting.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
  public let option: String
  public let message: String
  public var description: String { "\(option) \(message)" }
}
