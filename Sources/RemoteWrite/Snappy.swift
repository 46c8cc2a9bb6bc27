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
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                source.baseAddress!.withMemoryRebound(to: CChar.self, capacity: source.count) { sourceBase in
                    target.baseAddress!.withMemoryRebound(to: CChar.self, capacity: target.count) { targetBase in
                        snappy_compress(sourceBase, source.count, targetBase, &capacity)
                    }
                }
            }
        }
        precondition(status == SNAPPY_OK, "snappy_compress failed with a buffer of snappy_max_compressed_length")
        output.removeSubrange(capacity...)
        return output
    }

    /// The bytes of one snappy block.
    /// - Parameter limit: the largest decompressed size accepted (checked before any allocation).
    /// - Throws: ``Failure``.
    public static func decompress(_ input: [UInt8], limit: Int = .max) throws(Failure) -> [UInt8] {
        guard !input.isEmpty else { throw .corrupt }
        var length = 0
        let lengthStatus = input.withUnsafeBufferPointer { source in
            source.baseAddress!.withMemoryRebound(to: CChar.self, capacity: source.count) {
                snappy_uncompressed_length($0, source.count, &length)
            }
        }
        guard lengthStatus == SNAPPY_OK else { throw .corrupt }
        guard length <= limit else { throw .tooLarge(length: length, limit: limit) }
        var output = [UInt8](repeating: 0, count: max(length, 1))
        var produced = length
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                source.baseAddress!.withMemoryRebound(to: CChar.self, capacity: source.count) { sourceBase in
                    target.baseAddress!.withMemoryRebound(to: CChar.self, capacity: target.count) { targetBase in
                        snappy_uncompress(sourceBase, source.count, targetBase, &produced)
                    }
                }
            }
        }
        guard status == SNAPPY_OK, produced == length else { throw .corrupt }
        output.removeSubrange(produced...)
        return output
    }
}
