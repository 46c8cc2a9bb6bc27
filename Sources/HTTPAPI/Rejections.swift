// Tollgate — HTTPAPI: requests refused by a limit, counted each time and logged once per cause.

import CoreMetrics
public import Logging
import Synchronization

/// Where the API's refusals go: every one is counted in
/// `tollgate_http_api_rejected_requests_total{reason}`; the log gets the first refusal of
/// each reason, then at most one line per reason and interval, saying how many were
/// refused since (a client retrying in a loop writes one line a minute, not one a request).
///
/// ```swift
/// let rejections = Rejections(logger: logger)
/// rejections.reject("queue_full", "too many queries waiting", path: "/api/v1/query")
/// ```
public final class Rejections: Sendable {
    /// Where the lines go.
    let logger: Logger
    private let state: Mutex<RejectionLogState>
    private let now: @Sendable () -> ContinuousClock.Instant

    /// Refusals logged to `logger`, at most once per reason and `interval`.
    /// - Parameters:
    ///   - logger: where the lines go.
    ///   - interval: the least time between two lines for one reason.
    ///   - now: the clock (tests inject theirs).
    public init(
        logger: Logger, interval: Duration = .seconds(60), now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.logger = logger
        self.state = Mutex(RejectionLogState(interval: interval))
        self.now = now
    }

    /// Counts a request refused by a limit, and logs it unless a line for `reason` was
    /// written within the interval.
    /// - Parameters:
    ///   - reason: the counter's `reason` label (`queue_full`, `max_alerts_per_request`, …).
    ///   - message: the answer the client got.
    ///   - path: the route.
    public func reject(_ reason: String, _ message: String, path: String) {
        Counter(label: "tollgate_http_api_rejected_requests_total", dimensions: [("reason", reason)]).increment()
        let time = now()
        guard let quiet = state.withLock({ $0.note(reason, at: time) }) else { return }
        var metadata: Logger.Metadata = ["reason": "\(reason)", "path": "\(path)", "error": "\(message)"]
        if quiet > 0 { metadata["refused_since_last_line"] = "\(quiet)" }
        logger.warning("API request refused by a limit (logged at most once a minute per reason; every refusal is counted)", metadata: metadata)
    }
}

/// Which refusals are logged: the first of each reason, then the first after `interval`
/// has passed since the last line, which reports how many went unlogged in between.
struct RejectionLogState: Sendable {
    /// The least time between two lines for one reason.
    let interval: Duration
    private var lines: [String: (at: ContinuousClock.Instant, quiet: Int)] = [:]

    init(interval: Duration) { self.interval = interval }

    /// Notes a refusal for `reason` at `now`.
    /// - Returns: nil to stay quiet; otherwise log, with how many refusals were not logged since the last line.
    mutating func note(_ reason: String, at now: ContinuousClock.Instant) -> Int? {
        guard let last = lines[reason] else {
            lines[reason] = (now, 0)
            return 0
        }
        guard now - last.at >= interval else {
            lines[reason] = (last.at, last.quiet + 1)
            return nil
        }
        lines[reason] = (now, 0)
        return last.quiet
    }
}
