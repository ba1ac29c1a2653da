// Where `tracker run` looks for a data set when --data-dir is not given.
import Foundation
import TrackerEngine

enum DataLocation {
  /// $TRACKER_DATA_DIR/<dataset>, else ${XDG_CACHE_HOME:-~/.cache}/tracker/<dataset> (where
  /// scripts/fetch-mnist puts MNIST). Fashion-MNIST falls back to the folder Debian's
  /// dataset-fashion-mnist package installs.
  static func defaultDirectory(for dataset: DatasetName) -> String {
    let env = ProcessInfo.processInfo.environment
    let root: String
    if let dir = env["TRACKER_DATA_DIR"], !dir.isEmpty {
      root = dir
    } else {
      let cache =
        env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
      root = cache + "/tracker"
    }
    let dir = root + "/" + dataset.rawValue
    if dataset == .fashionMNIST && !FileManager.default.fileExists(atPath: dir) {
      return "/usr/share/datasets/fashion-mnist"
    }
    return dir
  }
}

// MARK: - Which data it is

extension DatasetName {
  /// The data set `data` (read from `directory`) is, by its fingerprint; when
  /// `claimed` (--dataset) names another, an `InputError` naming both: the
  /// label a run records comes from the files, never from the flag alone.
  static func identify(_ data: Dataset, claimed: DatasetName?, directory: String) throws
    -> DatasetName
  {
    let found = DatasetName(fingerprint: data.fingerprint)
    if let claimed, claimed != found {
      throw InputError(
        "--dataset \(claimed.rawValue) contradicts the files in \(directory), which are"
          + " \(found.title) (fingerprint \(data.fingerprint)); leave --dataset out or point"
          + " --data-dir at \(claimed.title) files")
    }
    return found
  }
}
