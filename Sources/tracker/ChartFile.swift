// ChartFile: writes a chart where -o says, in the format its extension names:
// SVG as is, PNG through rsvg-convert (Debian's librsvg2-bin, which
// scripts/setup installs), "-" as SVG on stdout.
import Foundation

struct ChartFileError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

enum ChartFile {
  enum Kind { case svg, png, standardOutput }

  /// The kind of `path`, by its extension (case-insensitive); nil for others.
  static func kind(of path: String) -> Kind? {
    if path == "-" { return .standardOutput }
    switch fileExtension(of: path) {
    case "svg": return .svg
    case "png": return .png
    default: return nil
    }
  }

  /// The extension of `path`'s file name, lower-cased: what follows its
  /// last dot, when something precedes the dot ("chart.SVG" is "svg"; ".svg",
  /// "chart.svg/" and "chart" have none).
  static func fileExtension(of path: String) -> String? {
    guard !path.hasSuffix("/"), let name = path.split(separator: "/").last,
      let dot = name.lastIndex(of: "."), dot != name.startIndex
    else { return nil }
    return name[name.index(after: dot)...].lowercased()
  }

  static func write(svg: String, to path: String) throws {
    switch kind(of: path) {
    case .standardOutput: print(svg, terminator: "")
    case .svg: try writeFile(Data(svg.utf8), to: path)
    case .png: try convertToPNG(svg: svg, path: path)
    case nil:
      throw ChartFileError("'\(path)' does not end in .svg or .png; name the output file so")
    }
  }

  static func writeFile(_ data: Data, to path: String) throws {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw ChartFileError(
        "cannot write '\(path)': \((error as NSError).localizedDescription); check that its folder exists and is writable"
      )
    }
  }

  /// `rsvg-convert` on PATH, or nil.
  static func findConverter(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String?
  {
    let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") where !folder.isEmpty {
      let candidate = "\(folder)/rsvg-convert"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  static let missingConverter =
    "rsvg-convert is not installed; install it with 'apt-get install librsvg2-bin'"
    + " (scripts/setup does), or write an .svg file"

  /// Renders `svg` to a PNG of the same pixel size at `path`.
  static func convertToPNG(svg: String, path: String) throws {
    guard let converter = findConverter() else {
      throw ChartFileError("cannot write '\(path)': \(missingConverter)")
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "tracker-plot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("chart.svg")
    let output = folder.appendingPathComponent("chart.png")
    let messages = folder.appendingPathComponent("stderr")
    try Data(svg.utf8).write(to: input)
    _ = FileManager.default.createFile(atPath: messages.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: converter)
    process.arguments = ["--format", "png", "--output", output.path, input.path]
    process.standardError = try FileHandle(forWritingTo: messages)
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let png = FileManager.default.contents(atPath: output.path)
    else {
      let said = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
      throw ChartFileError(
        "rsvg-convert failed (exit status \(process.terminationStatus)) writing '\(path)': "
          + said.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    // Written here rather than by rsvg-convert, so a failure leaves no half file.
    try writeFile(png, to: path)
  }
}
