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

extension TrainingConfig {
  /// The configuration a run with these stored settings trained with, for
  /// `tracker verify`; the reverse of `RunSettings.init(_:dataset:datasetHash:)`.
  ///
  /// - Throws: an `InputError` when a stored value is not one tracker can train
  ///   with (a database edited by hand, or written by another version).
  init(_ settings: RunSettings) throws {
    self.init()
    let hidden = settings.hidden.split(separator: ",").map { Int($0) }
    guard let optimizer = OptimizerKind(rawValue: settings.optimizer),
      let activation = Activation(rawValue: settings.activation),
      let weightInit = WeightInit(settings.weightInit), !hidden.isEmpty,
      hidden.allSatisfy({ $0 != nil })
    else {
      throw InputError(
        "the stored settings (\(settings.optimizer), hidden \(settings.hidden), \(settings.activation),"
          + " weight init \(settings.weightInit)) are not ones this tracker can train")
    }
    self.optimizer = optimizer
    self.activation = activation
    self.weightInit = weightInit
    self.hidden = hidden.map { $0! }
    batchNorm = settings.batchnorm
    self.settings.lr = settings.lr
    if let x = settings.momentum { self.settings.momentum = x }
    if let x = settings.adagradTheta { self.settings.adagradTheta = x }
    if let x = settings.decayRate { self.settings.decayRate = x }
    if let x = settings.beta1 { self.settings.beta1 = x }
    if let x = settings.beta2 { self.settings.beta2 = x }
    iterations = settings.iters
    batchSize = settings.batchSize
    evalInterval = settings.evalInterval
    validation = settings.validation
    seed = UInt64(bitPattern: settings.seed)
  }
}
