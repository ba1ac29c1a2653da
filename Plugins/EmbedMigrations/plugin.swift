// EmbedMigrations: build-tool plugin that compiles <package>/migrations/*.sql
// into the target as Swift string literals, via the MigrationEmbedder tool.
import Foundation
import PackagePlugin

/// Why a plugin: SwiftPM resources must live inside the target's folder, and a
/// symlink from there to the top-level migrations/ is copied as a dangling
/// link. Generating source keeps migrations/ the single source of truth and
/// the binary self-contained.
@main
struct EmbedMigrations: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let folder = context.package.directoryURL.appending(path: "migrations")
    // SwiftPM calls this only when it re-plans the build, which it does when
    // the file list of a target folder changes; migrations/ is in no target.
    // The symlink Plugins/EmbedMigrations/migrations -> ../../migrations puts
    // it inside this plugin's folder, so adding, removing or renaming a
    // migration re-plans and re-lists. Edits to a listed file need no re-plan:
    // each file is an input of the command.
    let files = try FileManager.default
      .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { $0.pathExtension == "sql" }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
    return [
      .buildCommand(
        displayName: "Embedding \(files.count) migrations into \(target.name)",
        executable: try context.tool(named: "MigrationEmbedder").url,
        arguments: [output.path(percentEncoded: false)]
          + files.map { $0.path(percentEncoded: false) },
        inputFiles: files,
        outputFiles: [output])
    ]
  }
}
