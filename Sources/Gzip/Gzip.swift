// Tollgate — Gzip: gzip and deflate over zlib.

import CZlib

/// gzip / zlib / raw-deflate compression over Debian's zlib.
///
/// ```swift
/// let packed = try Gzip.compress(Array("hello".utf8))
/// let plain = try Gzip.decompress(packed)
/// ```
public enum Gzip {
    /// Whether bytes start with the gzip magic number.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Inflates a gzip or zlib stream (detected from its header), concatenated gzip members included.
    /// - Parameters:
    ///   - bytes: the compressed bytes.
    ///   - limit: the most output bytes to accept; more is an error.
    /// - Returns: the inflated bytes.
    /// - Throws: ``GzipError`` on corrupt or truncated input, or past `limit`.
    public static func decompress(_ bytes: [UInt8], limit: Int = .max) throws(GzipError) -> [UInt8] {
        // 15 + 32: a zlib or gzip header, detected automatically.
        try inflate(bytes, windowBits: 15 + 32, limit: limit, members: true)
    }

    /// Inflates a stream; with `members`, further gzip members that follow are inflated too.
    static func inflate(_ bytes: [UInt8], windowBits: Int32, limit: Int, members: Bool) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard tollgate_inflateInit2(&stream, windowBits) == Z_OK else { throw GzipError("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, max(bytes.count * 4, 4096)))
        // Small inputs (blocks of a few hundred bytes) get a small chunk: it is zeroed first.
        var chunk = [UInt8](repeating: 0, count: min(64 * 1024, max(1024, bytes.count * 16)))
        var consumed = 0
        while true {
            let result: Int32 = bytes.withUnsafeBufferPointer { input in
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(input.count - consumed)
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed = input.count - Int(stream.avail_in)
                    return code
                }
            }
            let produced = chunk.count - Int(stream.avail_out)
            guard output.count + produced <= limit else { throw GzipError("decompressed size exceeds the limit of \(limit) bytes", exceededLimit: true) }
            output.append(contentsOf: chunk[0..<produced])
            switch result {
            case Z_STREAM_END:
                // Another gzip member may follow (as `cat a.gz b.gz` makes).
                guard members, consumed < bytes.count, isGzip(Array(bytes[consumed..<min(consumed + 2, bytes.count)])) else { return output }
                guard inflateReset(&stream) == Z_OK else { throw GzipError("inflateReset failed") }
            case Z_OK:
                continue
            case Z_BUF_ERROR where consumed == bytes.count:
                throw GzipError("truncated compressed data after \(output.count) bytes of output")
            case Z_BUF_ERROR:
                continue
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "code \(result)"
                throw GzipError("corrupt compressed data at input byte \(consumed): \(detail)")
            }
        }
    }

    /// Compresses bytes into the gzip format.
    /// - Parameters:
    ///   - bytes: the data.
    ///   - level: 0 (none) to 9 (smallest); 6 by default, as gzip(1).
    /// - Returns: a gzip stream.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        // 15 + 16: a gzip header and trailer.
        try deflate(bytes, level: level, windowBits: 15 + 16)
    }
}

/// Why zlib could not inflate or deflate.
public struct GzipError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Whether the input was good but inflated past the caller's limit.
    public var exceededLimit: Bool
    init(_ description: String, exceededLimit: Bool = false) {
        self.description = description
        self.exceededLimit = exceededLimit
    }
}

extension Gzip {
    /// Compresses bytes as a raw deflate stream (no header or trailer), for small blocks.
    public static func deflateRaw(_ bytes: [UInt8], level: Int32 = 9) throws(GzipError) -> [UInt8] {
        try deflate(bytes, level: level, windowBits: -15)
    }

    /// Inflates a raw deflate stream.
    /// - Parameters:
    ///   - bytes: the stream.
    ///   - limit: the most output bytes to accept.
    public static func inflateRaw(_ bytes: [UInt8], limit: Int = .max) throws(GzipError) -> [UInt8] {
        try inflate(bytes, windowBits: -15, limit: limit, members: false)
    }

    static func deflate(_ bytes: [UInt8], level: Int32, windowBits: Int32) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard tollgate_deflateInit2(&stream, level, windowBits) == Z_OK else { throw GzipError("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let result: Int32 = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw GzipError("deflate failed with code \(result)") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}

extension Gzip {
    /// zlib's CRC-32 of the bytes (the checksum gzip uses).
    public static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        UInt32(truncatingIfNeeded: CZlib.crc32(0, bytes.baseAddress, UInt32(bytes.count)))
    }
}
