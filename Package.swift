// swift-tools-version: 6.0
// tracker: a persistent experiment tracker for MNIST optimizer runs.
// Layout: CSQLite/CZlib wrap system C libraries, CLinux the Linux calls Swift
// can't import (prctl, O_TMPFILE); TrackerStore holds all SQL; TrackerEngine
// trains (no SQL); TrackerReports renders tables, charts and HTML from plain
// values (no queries); `tracker` is the thin CLI that wires them;
// tracker-bench-store is the store benchmark (scripts/bench-store), not shipped;
// TrackerServer is `tracker serve` (Hummingbird routes over the same store and
// renderers); TrackerTestSupport holds what the test targets share.
import Foundation
import PackageDescription

// The training kernels need FMA to be fast (SIMD addProduct otherwise becomes a
// scalar library call). On x86_64 we build for Haswell (AVX2 + FMA: x86-64-v3, every x86
// server CPU since 2013); the binary checks the CPU at start-up and says how to
// rebuild. TRACKER_PORTABLE=1 at build time gives a baseline x86-64 build.
//
// Why `#if arch(x86_64)`, which asks the machine that evaluates this manifest (the
// host), not the build's target: SwiftPM's setting conditions, `.when(platforms:
// configuration: traits:)` (PackageDescription 6.1), can't name an architecture,
// so a flag can't follow the target's architecture. A cross build from x86_64 to
// another architecture therefore needs TRACKER_PORTABLE=1; one from another host to
// x86_64 gets a baseline build. (README, "Building".)
let portable = ProcessInfo.processInfo.environment["TRACKER_PORTABLE"] == "1"
var engineFlags: [SwiftSetting] = [.unsafeFlags(["-O"])]
var cliFlags: [SwiftSetting] = []
#if arch(x86_64)
  if !portable {
    engineFlags.append(.unsafeFlags(["-target-cpu", "haswell"]))
    cliFlags.append(.define("TRACKER_X86_64_V3"))
  }
#endif

let package = Package(
  name: "tracker",
  // macOS 14: Hummingbird 2's APIs are available from macOS 14 on.
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "tracker", targets: ["tracker"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    // Hummingbird's own dependencies, named for the two modules TrackerServer uses directly.
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.14.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CSQLite", path: "Sources/CSQLite",
      providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
    .systemLibrary(
      name: "CZlib", path: "Sources/CZlib",
      providers: [.apt(["zlib1g-dev"])]),
    .executableTarget(name: "MigrationEmbedder", path: "Plugins/MigrationEmbedder"),
    .plugin(
      name: "EmbedMigrations", capability: .buildTool(),
      dependencies: ["MigrationEmbedder"], path: "Plugins/EmbedMigrations"),
    .target(
      name: "TrackerStore", dependencies: ["CSQLite"],
      plugins: ["EmbedMigrations"]),
    .target(
      name: "TrackerEngine", dependencies: ["CZlib"],
      swiftSettings: engineFlags),
    .target(name: "TrackerReports", dependencies: ["TrackerStore"]),
    .target(
      name: "TrackerServer",
      dependencies: [
        "TrackerStore", "TrackerReports",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
      ]),
    .executableTarget(
      name: "tracker",
      dependencies: [
        "TrackerStore", "TrackerEngine", "TrackerReports", "TrackerServer", "CLinux",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: cliFlags),
    .executableTarget(
      name: "tracker-bench-store",
      dependencies: [
        "TrackerStore", "TrackerEngine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .target(
      name: "TrackerTestSupport", dependencies: ["TrackerStore", "TrackerEngine"],
      path: "Tests/TrackerTestSupport"),
    .testTarget(name: "TrackerStoreTests", dependencies: ["TrackerStore", "TrackerTestSupport"]),
    .testTarget(name: "TrackerEngineTests", dependencies: ["TrackerEngine"]),
    .testTarget(name: "TrackerReportsTests", dependencies: ["TrackerReports", "TrackerStore"]),
    .testTarget(
      name: "TrackerCLITests",
      dependencies: [
        "tracker", "TrackerStore", "TrackerEngine", "TrackerReports", "TrackerTestSupport",
      ]),
  ]
)
