// Tollgate — locating the conformance data in ../shared beside the clone.

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

    /// Files of this test target.
    static func fixture(_ path: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/PromQLEngineTests").appendingPathComponent(path)
    }

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
}
