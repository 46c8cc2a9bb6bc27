// Tollgate — the data directory and its lock.

import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A `flock` on `DIR/lock`, taken by every command that opens a data directory: writers
/// (`serve`, `import`) hold it exclusively, readers (`tsdb dump`, `tsdb stats`) shared, so
/// a reader never sees a store another process is changing and two writers never meet.
///
/// The exclusive holder writes its pid, its command and, once it listens, its address
/// into the file; a refused command reads them to name the holder:
///
/// ```swift
/// let lock = try DataDirectoryLock(path: dir, mode: .exclusive, command: "tollgate serve")
/// defer { lock.release() }
/// ```
final class DataDirectoryLock: Sendable {
    /// The open lock file, -1 once released.
    private let file: Mutex<Int32>
    private let mode: Mode
    private let command: String

    /// Who may hold the lock beside this holder.
    enum Mode: Sendable {
        /// Nobody: the holder writes. The directory is created if missing.
        case exclusive
        /// Other shared holders: the holder only reads. Nothing is ever created but the
        /// lock file of an existing store.
        case shared
    }

    /// Why the directory could not be used.
    struct LockError: Error, CustomStringConvertible {
        var description: String
    }

    /// Takes the lock, without waiting.
    /// - Parameters:
    ///   - path: the data directory.
    ///   - mode: exclusive for writers, shared for readers.
    ///   - command: the holder's name for refusal messages, e.g. `tollgate serve`.
    /// - Throws: ``LockError``: the directory cannot be created or, shared, holds no store
    ///   (`no Tollgate data in DIR`), or another process holds the lock (named when known).
    init(path: String, mode: Mode, command: String) throws(LockError) {
        self.mode = mode
        self.command = command
        let lockPath = path + "/lock"
        switch mode {
        case .exclusive:
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw LockError(description: "cannot create data directory \(path): \(error.localizedDescription)")
            }
        case .shared:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                FileManager.default.fileExists(atPath: path + "/tollgate.db")
            else { throw LockError(description: "no Tollgate data in \(path)") }
        }
        var fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 && mode == .shared && errno == EACCES { fd = open(lockPath, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw LockError(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        if flock(fd, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            let holder = Holder.read(fd)
            close(fd)
            throw LockError(description: Self.refusal(path: path, holder: holder, mode: mode))
        }
        file = Mutex(fd)
        if mode == .exclusive { record(address: nil) }
    }

    /// Adds the address the holder answers on (once `serve` listens), so a refused
    /// command can say where to ask instead.
    func record(address: String?) {
        guard mode == .exclusive else { return }
        let bytes = Array(Holder(pid: getpid(), command: command, address: address).text.utf8)
        file.withLock { fd in
            guard fd >= 0 else { return }
            _ = ftruncate(fd, 0)
            _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
    }

    /// Releases the lock (an exclusive holder first empties the file, so it names nobody
    /// afterwards); safe to call more than once.
    func release() {
        let exclusive = mode == .exclusive
        file.withLock { fd in
            guard fd >= 0 else { return }
            if exclusive { _ = ftruncate(fd, 0) }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    deinit { release() }

    /// The refusal: who holds the directory, and what to do instead.
    static func refusal(path: String, holder: Holder?, mode: Mode) -> String {
        guard let holder else {
            // No live exclusive holder is recorded: readers hold it (or a writer that has not written yet).
            return "data directory \(path) is in use by another process (a reader such as tollgate tsdb dump, or a writer starting)"
        }
        var text = "data directory \(path) is in use by \(holder.command) (pid \(holder.pid))"
        if let address = holder.address {
            switch mode {
            case .shared: text += "; ask the running server instead: curl http://\(address)/api/v1/status/tsdb"
            case .exclusive: text += "; to backfill, import through it: tollgate import openmetrics FILE --url http://\(address) (serve needs --web.enable-admin-api)"
            }
        }
        return text
    }

    /// What the exclusive holder wrote into the lock file: `pid`, `command`, `address` lines.
    struct Holder: Equatable {
        var pid: Int32
        var command: String
        var address: String?

        var text: String { "\(pid)\n\(command)\n" + (address.map { "\($0)\n" } ?? "") }

        /// Parses the file's text; nil when it names nobody.
        init?(text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let first = lines.first, let pid = Int32(first), pid > 0 else { return nil }
            self.pid = pid
            self.command = lines.count > 1 && !lines[1].isEmpty ? lines[1] : "another process"
            self.address = lines.count > 2 && !lines[2].isEmpty ? lines[2] : nil
        }

        init(pid: Int32, command: String, address: String?) {
            self.pid = pid
            self.command = command
            self.address = address
        }

        /// The holder `fd`'s file names, if that process is alive.
        static func read(_ fd: Int32) -> Holder? {
            var buffer = [UInt8](repeating: 0, count: 512)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0, let holder = Holder(text: String(decoding: buffer.prefix(count), as: UTF8.self)) else { return nil }
            // A holder killed by a signal could not empty the file.
            guard kill(holder.pid, 0) == 0 || errno == EPERM else { return nil }
            return holder
        }
    }
}
