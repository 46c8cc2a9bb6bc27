// Tollgate — a store opened by a command, under the data directory's lock.

import ArgumentParser
import Logging
import TSDB

/// A store a command opened, with the lock that keeps other processes out while it is open.
///
/// Readers (`tsdb dump`, `tsdb stats`) share the lock and open the store read-only, so they
/// never create or change anything; writers (`import`) hold it alone, as `serve` does.
///
/// ```swift
/// let store = try await LockedStore.reading(dataDir)
/// defer { store.close() }
/// let stats = try await store.tsdb.stats()
/// ```
struct LockedStore {
    /// The open store.
    let tsdb: TSDB
    /// The data directory's lock, held until ``close()``.
    let lock: DataDirectoryLock

    /// Opens an existing store for reading under a shared lock.
    /// - Throws: `ExitCode(1)` after printing why: no store in `directory` (nothing is
    ///   created), another process writes it (named), or the store does not open.
    static func reading(_ directory: String) async throws -> LockedStore {
        var options = TSDB.Options()
        options.readOnly = true
        return try await open(directory, mode: .shared, command: "tollgate tsdb", options: options)
    }

    /// Opens (creating if missing) a store for writing under an exclusive lock.
    /// - Throws: `ExitCode(1)` after printing why: another process uses `directory`
    ///   (named), or the store does not open.
    static func writing(_ directory: String, command: String) async throws -> LockedStore {
        try await open(directory, mode: .exclusive, command: command, options: TSDB.Options())
    }

    private static func open(_ directory: String, mode: DataDirectoryLock.Mode, command: String, options: TSDB.Options) async throws -> LockedStore {
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock(path: directory, mode: mode, command: command)
        } catch {
            StandardStream.error("error: \(error)\n")
            throw ExitCode(1)
        }
        do {
            let tsdb = try await TSDB.open(directory: directory, logger: Logger(label: "tollgate.tsdb"), options: options)
            return LockedStore(tsdb: tsdb, lock: lock)
        } catch {
            lock.release()
            StandardStream.error("error: \(error)\n")
            throw ExitCode(1)
        }
    }

    /// Releases the lock; the store must not be used afterwards.
    func close() { lock.release() }
}
