// Tollgate — Storage: a commit the store could not write.

/// A batch the store could not write (the disk is full, the file system failed): nothing of
/// the batch is stored, what was stored before stays, and the store keeps answering reads.
///
/// The store logs each cause once, when it starts (and once more when writes work again),
/// and counts every failure; writers that meet it every few seconds (scrape loops, rule
/// groups) log it at debug level only.
///
/// ```swift
/// do {
///     _ = try await appender.commit()
/// } catch let failure as StoreWriteFailure {
///     logger.debug("not stored", metadata: ["reason": "\(failure.reason.rawValue)"])
/// }
/// ```
public struct StoreWriteFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the write failed, as the label of the failure counter.
    public enum Reason: String, Sendable, Equatable {
        /// The file system has no space left (SQLite's `SQLITE_FULL`, or an I/O error with no free space).
        case diskFull = "disk_full"
        /// Any other failure of the file system (SQLite's `SQLITE_IOERR`, a read-only file system).
        case ioError = "io_error"
        /// The database refused the write for another reason (a damaged file, a constraint).
        case other
    }

    /// Why.
    public var reason: Reason
    /// What failed, in the same words for every failure of one cause (so it can be logged once).
    public var description: String

    /// A failure with its cause.
    /// - Parameters:
    ///   - reason: why the write failed.
    ///   - description: what failed; stable across repeated failures of the same cause.
    public init(reason: Reason, description: String) {
        self.reason = reason
        self.description = description
    }
}
