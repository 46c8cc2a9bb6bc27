// Tollgate — NotifySend: Alertmanager's retry stage: one integration tried until it sends, fails
// for good, or the deadline passes, with exponential backoff between attempts.

public import Logging
public import Model
public import Notify

/// How a notification through one integration ended.
public struct Delivery: Sendable, Equatable {
    /// `.sent`, or `.failed` with Alertmanager's message and the last attempt's retry hint.
    public var outcome: SendOutcome
    /// The attempts made (0 when there was nothing to send).
    public var attempts: Int
    /// The reason class of a failure (the `reason` label), nil when sent.
    public var failureReason: FailureReason?

    /// Creates a delivery.
    public init(outcome: SendOutcome, attempts: Int, failureReason: FailureReason? = nil) {
        self.outcome = outcome
        self.attempts = attempts
        self.failureReason = failureReason
    }
}

/// Alertmanager's `RetryStage` for one integration of a receiver.
///
/// Without `send_resolved`, only the firing alerts are sent, and a group with none is done
/// at once. Otherwise the integration is called until it sends, fails with no retry, or the
/// deadline passes (an attempt in flight at the deadline is cancelled); the waits between
/// attempts follow ``Backoff``. Each call counts Alertmanager's notification metrics.
///
/// ```swift
/// let retrier = Retrier(receiver: "team", integration: webhook)
/// let deadline = SystemClock().now() + max(groupInterval, 10_000)
/// let delivery = await retrier.notify(context, alerts: alerts, deadline: deadline)
/// ```
public struct Retrier: Sendable {
    /// The receiver's name (for messages).
    public var receiver: String
    /// The integration.
    public var integration: any Integration
    /// The clock the deadline is read against (milliseconds since the epoch).
    public var clock: any MillisecondClock
    /// The waits between attempts.
    public var backoff: Backoff
    /// Where the metrics go.
    public var metrics: NotificationMetrics
    /// Where attempts that fail are logged.
    public var logger: Logger
    /// Waits between attempts; tests pass one that moves their clock instead.
    public var sleep: @Sendable (Duration) async throws -> Void

    /// Creates a retrier.
    /// - Parameters:
    ///   - receiver: The receiver's name.
    ///   - integration: The integration to call.
    ///   - clock: The clock of the deadline.
    ///   - backoff: The waits (Alertmanager's by default).
    ///   - metrics: The metrics (the bootstrapped factory's by default).
    ///   - logger: The logger.
    ///   - sleep: The wait (`Task.sleep` by default).
    public init(
        receiver: String, integration: any Integration, clock: any MillisecondClock = SystemClock(), backoff: Backoff = Backoff(),
        metrics: NotificationMetrics = NotificationMetrics(), logger: Logger = Logger(label: "tollgate.notify"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.receiver = receiver
        self.integration = integration
        self.clock = clock
        self.backoff = backoff
        self.metrics = metrics
        self.logger = logger
        self.sleep = sleep
    }

    /// `webhook[0]`: the integration as Alertmanager names it in messages.
    public var integrationName: String { "\(integration.kind)[\(integration.index)]" }

    /// Notifies the group's alerts through the integration, retrying until `deadline`.
    /// - Parameters:
    ///   - context: The group and receiver.
    ///   - alerts: The alerts, firing and resolved, in Alertmanager's order.
    ///   - deadline: When to give up, milliseconds since the epoch on ``clock``
    ///     (the runtime gives now + max(group_interval, 10s)).
    /// - Returns: How it ended.
    public func notify(_ context: NotificationContext, alerts: [NotifierAlert], deadline: Int64) async -> Delivery {
        let kind = integration.kind
        metrics.notification(kind)
        let delivery = await retry(context, alerts: alerts, deadline: deadline)
        if let reason = delivery.failureReason { metrics.failedNotification(kind, reason: reason) }
        return delivery
    }

    private func retry(_ context: NotificationContext, alerts: [NotifierAlert], deadline: Int64) async -> Delivery {
        var sent = alerts
        if !integration.sendResolved {
            sent = alerts.filter { !$0.resolved(at: context.now) }
            if sent.isEmpty { return Delivery(outcome: .sent, attempts: 0) }
        }
        let name = "\(receiver)/\(integrationName)"
        var backoff = self.backoff
        var attempts = 0
        var last: SendFailure?
        var logger = self.logger
        logger[metadataKey: "receiver"] = "\(receiver)"
        logger[metadataKey: "integration"] = "\(integrationName)"
        while !Task.isCancelled && clock.now() < deadline {
            attempts += 1
            let started = clock.now()
            let begun = ContinuousClock.now
            let result = await attempt(context, alerts: sent, deadline: deadline)
            let failed: SendFailure? = if case .failure(let failure) = result { failure } else { nil }
            metrics.request(integration.kind, duration: begun.duration(to: .now), failed: failed != nil)
            guard let failed else {
                logger.log(level: attempts > 1 ? .info : .debug, "Notify success", metadata: ["attempts": "\(attempts)"])
                return Delivery(outcome: .sent, attempts: attempts)
            }
            guard failed.retry else {
                let message = "\(name): notify retry canceled due to unrecoverable error after \(attempts) attempts: \(failed.message)"
                return Delivery(outcome: .failed(reason: message, retry: false), attempts: attempts, failureReason: failed.reason)
            }
            if failed.message != last?.message {
                logger.warning("Notify attempt failed, will retry later", metadata: ["attempts": "\(attempts)", "err": "\(failed.message)"])
            }
            last = failed
            let wake = min(started + backoff.next().milliseconds, deadline)
            let wait = wake - clock.now()
            if wait > 0 {
                do { try await sleep(.milliseconds(wait)) } catch { break }
            }
        }
        let cause = last?.message ?? (Task.isCancelled ? "context canceled" : "context deadline exceeded")
        let message = "\(name): notify retry canceled after \(attempts) attempts: \(cause)"
        return Delivery(outcome: .failed(reason: message, retry: last?.retry ?? true), attempts: attempts, failureReason: last?.reason ?? .other)
    }

    /// One attempt, cancelled if it is still running at the deadline.
    private func attempt(_ context: NotificationContext, alerts: [NotifierAlert], deadline: Int64) async -> Result<Void, SendFailure> {
        let integration = self.integration
        let remaining = max(0, deadline - clock.now())
        return await withTaskGroup(of: Result<Void, SendFailure>?.self) { group in
            group.addTask {
                if let classifying = integration as? any ClassifyingIntegration {
                    return await classifying.attempt(context, alerts: alerts)
                }
                switch await integration.send(context, alerts: alerts) {
                case .sent: return .success(())
                case .failed(let reason, let retry): return .failure(SendFailure(reason, retry: retry))
                }
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(remaining))
                return nil
            }
            var outcome: Result<Void, SendFailure>?
            var timedOut = false
            while let next = await group.next() {
                if let next {
                    outcome = next
                    group.cancelAll()
                } else if outcome == nil {
                    timedOut = true
                    group.cancelAll()
                }
            }
            if timedOut { return .failure(SendFailure("context deadline exceeded", retry: true)) }
            return outcome ?? .failure(SendFailure("context canceled", retry: true))
        }
    }
}

extension Duration {
    /// The duration in whole milliseconds.
    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}
