// Tollgate — RemoteWrite: snappy's block format over Debian's libsnappy (its C API).

import CSnappy

/// Snappy block compression, the body encoding of remote write (`Content-Encoding: snappy`;
/// the block format, not the framed stream format).
public enum Snappy {
    /// Why a body could not be decompressed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not a snappy block.
        case corrupt
        /// The block says it decompresses to more than the limit.
        case tooLarge(length: Int, limit: Int)

        public var description: String {
            switch self {
            case .corrupt: "snappy: corrupt input"
            case .tooLarge(let length, let limit): "snappy: decoded length \(length) exceeds the limit of \(limit) bytes"
            }
        }
    }

    /// `input` compressed as one snappy block.
    public static func compress(_ input: [UInt8]) -> [UInt8] {
        // The empty block is its length, a varint 0.
        guard !input.isEmpty else { return [0] }
        var capacity = snappy_max_compressed_length(input.count)
        var output = [UInt8](repeating: 0, count: capacity)
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_compress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &capacity)
            }
        }
        // snappy_compress cannot fail with a buffer of snappy_max_compressed_length; should it,
        // the block is written as literals, which every reader takes.
        guard status == SNAPPY_OK else { return literals(input) }
        output.removeSubrange(capacity...)
        return output
    }

    /// `input` as a snappy block of literals only: its length as a varint, then runs of at
    /// most 64 KiB, each behind a tag of 61 << 2 and its length less one in two bytes.
    package static func literals(_ input: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var length = UInt64(input.count)
        while length >= 0x80 {
            output.append(UInt8(length & 0x7f) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        for start in stride(from: 0, to: input.count, by: 1 << 16) {
            let run = input[start..<min(input.count, start + (1 << 16))]
            output += [61 << 2, UInt8((run.count - 1) & 0xff), UInt8((run.count - 1) >> 8)]
            output += run
        }
        return output
    }

    /// The bytes of one snappy block.
    /// - Parameter limit: the largest decompressed size accepted (checked before any allocation).
    /// - Throws: ``Failure``.
    public static func decompress(_ input: [UInt8], limit: Int = .max) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt }
        var length = 0
        let lengthStatus = input.withUnsafeBytes { source in
            snappy_uncompressed_length(source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count, &length)
        }
        guard lengthStatus == SNAPPY_OK else { throw .corrupt }
        guard length <= limit else { throw .tooLarge(length: length, limit: limit) }
        var output = [UInt8](repeating: 0, count: max(length, 1))
        var produced = length
        let status = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                snappy_uncompress(
                    source.baseAddress?.assumingMemoryBound(to: CChar.self), source.count,
                    target.baseAddress?.assumingMemoryBound(to: CChar.self), &produced)
            }
        }
        guard status == SNAPPY_OK, produced == length else { throw .corrupt }
        output.removeSubrange(produced...)
        return output
    }
}
