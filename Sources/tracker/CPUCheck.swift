// Refuses to train on a CPU that lacks the instructions the engine was compiled for,
// with the rebuild command, instead of crashing with "illegal instruction".
import Foundation

enum CPUCheck {
  struct Unsupported: Error, CustomStringConvertible {
    let missing: [String]
    var description: String {
      "this CPU lacks \(missing.joined(separator: ", ")), which this build of tracker needs (x86-64-v3); "
        + "rebuild with: TRACKER_PORTABLE=1 swift build -c release"
    }
  }

  static func require() throws {
    #if TRACKER_X86_64_V3 && os(Linux)
      guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return }  // can't tell: let it run
      let flags = Set(line.split(separator: " ").map(String.init))
      let missing = ["avx2", "fma", "bmi2", "f16c", "movbe"].filter { !flags.contains($0) }
      if !missing.isEmpty { throw Unsupported(missing: missing) }
    #endif
  }
}
