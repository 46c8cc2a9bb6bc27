// Tollgate — running the built `tollgate` binary from tests.

import Foundation

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
    }

    /// Runs the binary (or another program, `executable`) to completion.
    static func run(_ arguments: [String], stdin: [UInt8]? = nil, executable: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? url
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        if stdin != nil { process.standardInput = input }
        try process.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin))
            try input.fileHandleForWriting.close()
        }
        // Read both pipes concurrently so a full pipe never blocks the child.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// ``run(_:stdin:executable:)`` on a thread of its own: a test awaiting a long program
    /// leaves Swift's cooperative threads (two on this machine) to the other tests.
    static func runDetached(_ arguments: [String], stdin: [UInt8]? = nil, executable: URL? = nil) async throws -> Result {
        try await detached { try run(arguments, stdin: stdin, executable: executable) }
    }

    /// Runs blocking work (programs run to completion, pipes read to the end) on a thread
    /// of its own, so it never holds one of the cooperative threads in-process servers need.
    static func detached<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    continuation.resume(returning: try work())
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}
