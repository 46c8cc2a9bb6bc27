// Tollgate — test support: locating the conformance data in ../shared beside the clone.

public import Foundation

/// The shared test data beside the repository (`../shared`), or `$TOLLGATE_SHARED`.
public enum SharedData {
    /// The repository root, from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared`, if present.
    public static let root: URL? = {
        let candidate = ProcessInfo.processInfo.environment["TOLLGATE_SHARED"].map { URL(fileURLWithPath: $0) }
            ?? repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("DESIGN.md").path) ? candidate : nil
    }()

    /// Whether the shared data is here; tests that need it are disabled (and say so) when not.
    public static var isAvailable: Bool { root != nil }

    /// The promqltest scripts, `testdata/promqltest/*.test`, by name.
    public static func promqlTestFiles() throws -> [URL] {
        guard let root else { return [] }
        let dir = root.appendingPathComponent("testdata/promqltest")
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "test" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// A file's bytes.
    public static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
}
