// Tollgate — reading whole files and standard input, and writing to the standard streams.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads through POSIX calls.
enum InputFile {
    /// Why a file could not be read.
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// Reads a whole file.
    static func read(path: String) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        return try readAll(fd)
    }

    /// Reads standard input to its end.
    static func readStandardInput() throws(ReadError) -> [UInt8] { try readAll(0) }

    private static func readAll(_ fd: Int32) throws(ReadError) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: "read failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Unbuffered writes to standard output and standard error.
enum StandardStream {
    /// Writes bytes to standard output.
    static func output(_ bytes: [UInt8]) { write(1, bytes) }

    /// Writes text to standard error.
    static func error(_ text: String) { write(2, Array(text.utf8)) }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            offset += n
        }
    }
}
