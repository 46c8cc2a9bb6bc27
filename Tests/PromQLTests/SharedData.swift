// Tollgate — PromQL tests: locating the shared test data beside the clone.

import Foundation

/// The shared test data beside the repository (`../shared`), or `$TOLLGATE_SHARED`.
enum SharedData {
    /// The repository root, from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared`, if present.
    static let root: URL? = {
        let candidate = ProcessInfo.processInfo.environment["TOLLGATE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("DESIGN.md").path) ? candidate : nil
    }()

    /// Whether the shared data is here; tests that need it are disabled (and say so) when not.
    static var isAvailable: Bool { root != nil }

    /// The promqltest scripts, `testdata/promqltest/*.test`.
    static func promqlTestFiles() throws -> [URL] {
        guard let root else { return [] }
        let dir = root.appendingPathComponent("testdata/promqltest")
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "test" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
