// Tollgate — running the built `tollgate` binary from tests.

import Foundation
import TestSupport

/// The `tollgate` executable this test run was built with, and ways to run it.
enum Binary {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable beside the test bundle (same build folder and configuration).
    static var url: URL {
        let bundle = Bundle.main.bundleURL
        for directory in [bundle, bundle.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("tollgate")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/tollgate")
    }

    /// `../shared`, if present.
    static let shared: URL? = {
        let candidate = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("DESIGN.md").path) ? candidate : nil
    }()

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        init(_ result: Programs.Result) {
            (status, stdout, stderr) = (result.status, result.stdout, result.stderr)
        }
    }

    /// Runs the binary (or another program, `executable`) to completion.
    static func run(_ arguments: [String], stdin: [UInt8]? = nil, executable: URL? = nil) throws -> Result {
        Result(try Programs.run(executable ?? url, arguments, stdin: stdin))
    }

    /// ``run(_:stdin:executable:)`` on a thread of its own: a test awaiting a long program
    /// leaves Swift's cooperative threads (two on this machine) to the other tests.
    static func runDetached(_ arguments: [String], stdin: [UInt8]? = nil, executable: URL? = nil) async throws -> Result {
        Result(try await Programs.runDetached(executable ?? url, arguments, stdin: stdin))
    }

    /// Runs blocking work (programs run to completion, pipes read to the end) on a thread
    /// of its own, so it never holds one of the cooperative threads in-process servers need.
    static func detached<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await Programs.detached(work)
    }
}
