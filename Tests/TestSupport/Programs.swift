// Tollgate — test support: programs run to completion, and blocking work, off the cooperative pool.

public import Foundation

/// Runs other programs from tests (python stand-ins, Debian's oracles) and blocking work on
/// threads of their own: a test awaiting a long program leaves Swift's cooperative threads
/// (two on a 2-core machine) to the in-process servers other tests run.
public enum Programs {
    /// What a program printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` with `arguments` to completion, `stdin` written to it; both pipes
    /// are read at once so a full pipe never blocks the child. Blocks the calling thread.
    public static func run(_ executable: URL, _ arguments: [String], stdin: [UInt8]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
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
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// ``run(_:_:stdin:)`` on a thread of its own.
    public static func runDetached(_ executable: URL, _ arguments: [String], stdin: [UInt8]? = nil) async throws -> Result {
        try await detached { try run(executable, arguments, stdin: stdin) }
    }

    /// Runs blocking work on a thread of its own and returns its result.
    public static func detached<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
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
