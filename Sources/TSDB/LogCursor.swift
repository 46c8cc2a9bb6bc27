// Tollgate — TSDB: where a read of the head log ended, to go on from there.

import Foundation

/// Where one ``TSDB/readLog(after:maxSamples:)`` ended in a log file: the byte offset of
/// the next frame, the last record it gave, and the bases it met (``LogValues``).
///
/// A record's values may be coded against bases set by the records before it in its file,
/// so a read that starts in the middle of a file must decode the file from its start. A
/// remote-write queue reads a few thousand samples at a time: decoding the file up to its
/// position each time would cost it the file's whole size again and again. The store keeps
/// the cursors of its last few reads, and a read whose position is one's goes on from it.
struct LogCursor {
    /// The first record number of the file (its name).
    var file: Int64
    /// The byte offset of the first frame not read.
    var offset: Int
    /// The last record read: a read after this position resumes here.
    var through: Int64
    var values: LogValues

    /// How many cursors the store keeps (one per remote-write queue, and a spare).
    static let kept = 4

    /// The bytes of `file` from `offset` to its end; nil when it cannot be read (a checkpoint
    /// may have deleted it since its number was listed).
    static func bytes(of file: String, from offset: Int) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(max(0, offset)))
            return try handle.readToEnd() ?? Data()
        } catch {
            return nil
        }
    }
}
