// RunSettings: how a run was trained, and the one place that says which column
// of `runs` each setting goes to (as GRDB's `EncodableRecord.encode(to:)` does for
// a record). `RunStore.begin` inserts these columns, `sweep` looks for a completed
// run with the same ones, and the benchmark and test fixtures build their runs
// from it, so the three can never disagree about what a configuration is.

/// The training settings of one run, as stored: the optimizer, every
/// `HyperParameter` and the data set's fingerprint.
public struct RunSettings: Sendable, Equatable {
  /// `runs.optimizer`: sgd, momentum, adagrad, rmsprop or adam.
  public var optimizer: String
  public var seed: Int64
  public var lr: Double
  public var iters: Int
  public var batchSize: Int
  public var evalInterval: Int
  /// The optimizers' own hyperparameters: nil (stored NULL) for every one the
  /// optimizer doesn't use (`HyperParameter.optimizer`).
  public var momentum: Double?
  public var adagradTheta: Double?
  public var decayRate: Double?
  public var beta1: Double?
  public var beta2: Double?
  /// Hidden layer sizes, comma-separated: "40,20".
  public var hidden: String
  public var activation: String
  /// "he", "xavier" or a standard deviation such as "0.01".
  public var weightInit: String
  public var batchnorm: Bool
  /// "mnist" or "fashion-mnist".
  public var dataset: String
  /// The data's fingerprint (`Dataset.fingerprint`); nil while the data is not
  /// loaded yet (a sweep plans its runs before). `RunStore.begin` requires it.
  public var datasetHash: String?
  /// Training images held out as the validation set; 0: none.
  public var validation: Int

  /// Takes the hyperparameters of every optimizer and keeps only those of
  /// `optimizer`, so callers can pass all five.
  public init(
    optimizer: String, seed: Int64, lr: Double, iters: Int, batchSize: Int, evalInterval: Int,
    momentum: Double? = nil, adagradTheta: Double? = nil, decayRate: Double? = nil,
    beta1: Double? = nil, beta2: Double? = nil, hidden: String, activation: String,
    weightInit: String, batchnorm: Bool, dataset: String, datasetHash: String?,
    validation: Int = 0
  ) {
    func own(_ parameter: HyperParameter, _ value: Double?) -> Double? {
      parameter.optimizer == optimizer ? value : nil
    }
    self.optimizer = optimizer
    self.seed = seed
    self.lr = lr
    self.iters = iters
    self.batchSize = batchSize
    self.evalInterval = evalInterval
    self.momentum = own(.momentum, momentum)
    self.adagradTheta = own(.adagradTheta, adagradTheta)
    self.decayRate = own(.decayRate, decayRate)
    self.beta1 = own(.beta1, beta1)
    self.beta2 = own(.beta2, beta2)
    self.hidden = hidden
    self.activation = activation
    self.weightInit = weightInit
    self.batchnorm = batchnorm
    self.dataset = dataset
    self.datasetHash = datasetHash
    self.validation = validation
  }

  // MARK: - Columns

  /// The stored value of one hyperparameter column. The switch is exhaustive,
  /// so a new `HyperParameter` cannot be forgotten here.
  public subscript(_ parameter: HyperParameter) -> SQLValue {
    switch parameter {
    case .seed: .integer(seed)
    case .lr: .real(lr)
    case .iters: .integer(Int64(iters))
    case .batchSize: .integer(Int64(batchSize))
    case .evalInterval: .integer(Int64(evalInterval))
    case .momentum: .nullable(momentum)
    case .adagradTheta: .nullable(adagradTheta)
    case .decayRate: .nullable(decayRate)
    case .beta1: .nullable(beta1)
    case .beta2: .nullable(beta2)
    case .hidden: .text(hidden)
    case .activation: .text(activation)
    case .weightInit: .text(weightInit)
    case .batchnorm: .integer(batchnorm ? 1 : 0)
    case .dataset: .text(dataset)
    case .validation: .integer(Int64(validation))
    }
  }

  /// Every hyperparameter column and its value, in `HyperParameter.allCases`
  /// order (the order of `StoredRun.parameters`).
  public var parameters: [(parameter: HyperParameter, value: SQLValue)] {
    HyperParameter.allCases.map { ($0, self[$0]) }
  }

  /// Every column of `runs` these settings fill, by name: the optimizer, the
  /// hyperparameters and the data's fingerprint.
  public var columns: [(name: String, value: SQLValue)] {
    [("optimizer", .text(optimizer))] + parameters.map { ($0.parameter.rawValue, $0.value) }
      + [("dataset_hash", .nullable(datasetHash))]
  }
}

extension RunFilter {
  /// Runs trained exactly like `settings` (same optimizer, same value in every
  /// hyperparameter column, seed included, and the same data's fingerprint when
  /// `settings` has one): the same configuration (`config_key`) and seed. In
  /// any of `statuses`.
  /// Imported runs (`runs.source`) never count: tracker did not train them.
  /// The data set's name is not compared: a run records the name its files'
  /// fingerprint says, which a plan made before reading the data (a tune
  /// re-reported from the database) can't know; the fingerprint decides.
  public init(sameAs settings: RunSettings, statuses: [RunStatus]) {
    self.init(
      optimizers: [settings.optimizer], statuses: statuses,
      conditions: settings.parameters.filter { $0.parameter != .dataset }.map {
        ($0.parameter, $0.value)
      })
    datasetHash = settings.datasetHash
    trackerRunsOnly = true
  }
}
