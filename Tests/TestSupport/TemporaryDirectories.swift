// Tollgate — test support: temporary directories that are gone when the test ends.

public import Foundation
import Synchronization

/// Fresh directories under the system's temporary folder, removed with their contents when
/// this owner is released.
///
/// A suite holds one, so each test's directories go when Swift Testing releases the suite
/// instance after the test:
///
/// ```swift
/// final class StoreTests: Sendable {
///     let scratch = TemporaryDirectories()
///
///     @Test func reopens() async throws {
///         let dir = try scratch.make("tsdb")
///         …
///     }
/// }
/// ```
public final class TemporaryDirectories: Sendable {
    private let made = Mutex<[URL]>([])

    public init() {}

    /// A new empty directory named `tollgate-<prefix>-<UUID>`, removed with this owner.
    public func make(_ prefix: String) throws -> URL {
        let url = try makeTemporaryDirectory(prefix)
        made.withLock { $0.append(url) }
        return url
    }

    deinit {
        for url in made.withLock({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}

/// Runs `body` with a new empty temporary directory, and removes the directory afterwards,
/// whether `body` returns or throws.
public func withTemporaryDirectory<Result>(
    _ prefix: String,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (URL) async throws -> Result
) async throws -> Result {
    let url = try makeTemporaryDirectory(prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// A new empty directory `tollgate-<prefix>-<UUID>` in the system's temporary folder; the
/// caller removes it.
public func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tollgate-\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
