// Tollgate — TSDB: the head log's files, append-only, beside the database.

import Foundation
import Gzip
import Storage

#if canImport(Glibc)
import Glibc
#endif

/// The head log: every committed batch (a ``LogRecord``), as frames appended to files in
/// `DIR/head-log/`, each file named by the number of its first record (20 digits).
///
/// The log was a table in the database until the store's writes were measured
/// (docs/performance.md): each record went to SQLite's WAL, then into the database, and its
/// pages were written again when a checkpoint freed them and the next records reused them.
/// Here a record is written once, and a checkpoint deletes whole files.
///
/// A frame is the record's length (4 bytes, big-endian), its number (8 bytes), a CRC-32 of
/// those 12 bytes (4 bytes), then the record, which has a CRC-32 of its own. Reading a
/// file stops at a header that is torn or fails its check; a record whose own check fails
/// is damaged, but the frames after it can still be read.
///
/// A commit appends its record before its transaction, and takes it back (truncates the
/// file) when the transaction fails, so that the log holds no batch the store refused. Like
/// SQLite's WAL with `synchronous = NORMAL`, an append is not synced: a process crash loses
/// nothing, and a power cut loses the newest records; a file is synced when the next one
/// starts and when the store closes.
///
/// Lives in the store's state, under its lock. Readers list the files there, then read
/// them without it.
struct HeadLog {
    static let headerSize = 16
    /// The folder of the files; empty for a log that was never opened.
    let directory: String
    /// The size from which the next record starts a new file.
    let segmentBytes: Int
    /// Each file's first record number, oldest first.
    private(set) var segments: [Int64] = []
    /// The number of the last record appended (0: none).
    private(set) var last: Int64 = 0
    /// The newest file, open for appending (-1: not open), and its size.
    private var descriptor: Int32 = -1
    private var size = 0
    /// A number that changes each time appending opens a file (never 0), so that a commit
    /// knows whether a series' base is in the file its record goes to (see ``nextFile``).
    private var opened: UInt32 = 0

    /// Where to take a failed commit's record back to.
    struct Mark {
        /// Whether the append started the file.
        var fileless: Bool
        var size: Int
        var last: Int64
    }

    init() {
        directory = ""
        segmentBytes = 8 << 20
    }

    /// Lists the files in `directory`, which is created unless `readOnly`.
    init(directory: String, segmentBytes: Int = 8 << 20, readOnly: Bool) throws {
        self.directory = directory
        self.segmentBytes = segmentBytes
        if !readOnly { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        segments = Self.list(directory)
    }

    /// The first record numbers of the log files in `directory`, oldest first.
    static func list(_ directory: String) -> [Int64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { $0.count == 20 ? Int64($0) : nil }.sorted()
    }

    /// The file whose first record is `first`.
    func path(_ first: Int64) -> String { Self.path(directory, first) }

    static func path(_ directory: String, _ first: Int64) -> String {
        (directory as NSString).appendingPathComponent(String(repeating: "0", count: max(0, 20 - String(first).count)) + String(first))
    }

    /// The file the next record goes to, as a number that differs from every earlier file's
    /// (``append(_:_:)`` opens a file when none is open, or when the open one has reached
    /// `segmentBytes`, whatever the record's size, so this is known before the record is).
    var nextFile: UInt32 { descriptor >= 0 && size < segmentBytes ? opened : Self.after(opened) }

    private static func after(_ file: UInt32) -> UInt32 { file == .max ? 1 : file + 1 }

    /// Appends record `seq`; returns what ``undo(_:)`` needs to take it back.
    /// - Throws: ``StoreWriteFailure`` (a full disk, an I/O error); the file is then as before.
    mutating func append(_ seq: Int64, _ record: Data) throws -> Mark {
        if descriptor >= 0 && size >= segmentBytes {
            _ = fsync(descriptor)
            close()
        }
        var mark = Mark(fileless: false, size: size, last: last)
        // A file is never appended to once closed (after a restart, the newest file is left
        // as it is): the bases of its values (``LogValues``) are those of the commits that
        // wrote it, and a later process's commits would set others.
        if descriptor < 0 {
            opened = Self.after(opened)
            let file = path(seq)
            let created = Glibc.open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard created >= 0 else { throw Self.failure(errno, writing: file) }
            descriptor = created
            size = 0
            // An empty file of that name may be left by a crash right after it was made.
            if segments.last != seq { segments.append(seq) }
            mark = Mark(fileless: true, size: 0, last: last)
        }
        var frame = [UInt8](repeating: 0, count: Self.headerSize)
        frame.reserveCapacity(Self.headerSize + record.count)
        Self.putHeader(&frame, length: record.count, seq: seq)
        frame.append(contentsOf: record)
        let written = frame.withUnsafeBytes { Self.writeAll(descriptor, $0) }
        guard written == 0 else {
            let file = path(segments.last ?? seq)
            undo(mark)
            throw Self.failure(written, writing: file)
        }
        size += frame.count
        last = seq
        return mark
    }

    /// Takes back the record appended after `mark` (its commit failed).
    mutating func undo(_ mark: Mark) {
        guard descriptor >= 0, let newest = segments.last else { return }
        if mark.fileless {
            close()
            unlink(path(newest))
            segments.removeLast()
        } else {
            _ = ftruncate(descriptor, off_t(mark.size))
            size = mark.size
        }
        last = mark.last
    }

    /// Deletes the files whose every record is numbered `seq` or lower.
    mutating func drop(through seq: Int64) {
        var kept: [Int64] = []
        for (index, first) in segments.enumerated() {
            let end = index + 1 < segments.count ? segments[index + 1] - 1 : last
            if end <= seq && first <= seq {
                if index == segments.count - 1 { close() }
                unlink(path(first))
            } else {
                kept.append(first)
            }
        }
        segments = kept
    }

    /// Recovery met a torn or damaged record at `offset` of the file starting at `first`: the
    /// log ends before it (that file is cut there, later files go).
    mutating func truncate(segment first: Int64, at offset: Int, lastKept: Int64) throws {
        close()
        for later in segments where later > first { unlink(path(later)) }
        segments.removeAll { $0 > first }
        if offset == 0 {
            unlink(path(first))
            segments.removeAll { $0 == first }
        } else if Glibc.truncate(path(first), off_t(offset)) != 0 {
            throw Self.failure(errno, writing: path(first))
        }
        last = lastKept
    }

    /// Notes the number of the newest record recovery found.
    mutating func found(last: Int64) { self.last = max(self.last, last) }

    /// Syncs and closes the newest file (appending opens it again).
    mutating func close() {
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = Glibc.close(descriptor)
        descriptor = -1
        size = 0
    }

    // MARK: frames

    /// One frame read back: its record number, where it starts in its file, and its record.
    struct Frame {
        var seq: Int64
        var offset: Int
        var record: Data
    }

    /// The frames of one file's bytes, and where reading stopped: the file's size, or the
    /// offset of a header that is torn or fails its check.
    static func frames(_ bytes: Data) -> (frames: [Frame], end: Int) {
        var frames: [Frame] = []
        var offset = 0
        let count = bytes.count
        return bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> ([Frame], Int) in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return ([], 0) }
            while offset + headerSize <= count {
                let header = UnsafeBufferPointer(start: base + offset, count: headerSize)
                let length = Int(integer(header, 0, 4))
                let seq = Int64(bitPattern: integer(header, 4, 8))
                let crc = UInt32(integer(header, 12, 4))
                guard Gzip.crc32(UnsafeBufferPointer(rebasing: header[0..<12])) == crc, length <= count - offset - headerSize else { break }
                let start = offset + headerSize
                frames.append(Frame(seq: seq, offset: offset, record: Data(bytes: base + start, count: length)))
                offset = start + length
            }
            return (frames, offset)
        }
    }

    /// Every frame of every file in `directory`, oldest first, with each file's first number,
    /// and where reading stopped in each file short of its end.
    static func read(_ directory: String) throws -> [(first: Int64, frames: [Frame], tornAt: Int?)] {
        try list(directory).map { first in
            let file = path(directory, first)
            let bytes: Data
            do { bytes = try Data(contentsOf: URL(fileURLWithPath: file)) } catch { throw TSDBError("cannot read the head log file \(file): \(error)") }
            let (frames, end) = Self.frames(bytes)
            return (first, frames, end < bytes.count ? end : nil)
        }
    }

    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in start..<start + count { value = value << 8 | UInt64(bytes[i]) }
        return value
    }

    private static func putHeader(_ frame: inout [UInt8], length: Int, seq: Int64) {
        for i in 0..<4 { frame[i] = UInt8(truncatingIfNeeded: length >> (24 - 8 * i)) }
        for i in 0..<8 { frame[4 + i] = UInt8(truncatingIfNeeded: UInt64(bitPattern: seq) >> (56 - 8 * UInt64(i))) }
        let crc = frame.withUnsafeBufferPointer { Gzip.crc32(UnsafeBufferPointer(rebasing: $0[0..<12])) }
        for i in 0..<4 { frame[12 + i] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(i))) }
    }

    /// Writes every byte; 0, or the errno of the write that failed.
    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var done = 0
        while done < bytes.count {
            let n = write(descriptor, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return 0
    }

    private static func failure(_ code: Int32, writing file: String) -> StoreWriteFailure {
        let message = String(cString: strerror(code))
        if code == ENOSPC || code == EDQUOT {
            return StoreWriteFailure(reason: .diskFull, description: "no space left to write \(file) (\(message))")
        }
        return StoreWriteFailure(reason: .ioError, description: "cannot write \(file) (\(message))")
    }
}
