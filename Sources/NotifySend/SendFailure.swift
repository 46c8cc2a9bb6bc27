// Tollgate — NotifySend: why an attempt failed, as Alertmanager classifies it for its metrics.

public import Notify

/// The `reason` label of `alertmanager_notifications_failed_total` (Alertmanager 0.27).
public enum FailureReason: String, Sendable, Equatable, CaseIterable {
    /// A 4xx answer, or a receiver's own refusal (Slack's `ok: false`).
    case clientError
    /// A 5xx answer.
    case serverError
    /// Anything else: a network error, a template that fails, a bad address.
    case other

    /// Alertmanager's `GetFailureReasonFromStatusCode`.
    /// - Parameter statusCode: An HTTP status code.
    public init(statusCode: Int) {
        switch statusCode / 100 {
        case 4: self = .clientError
        case 5: self = .serverError
        default: self = .other
        }
    }
}

/// A failed attempt: the message, whether trying again may help, and the reason class.
public struct SendFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What happened (`unexpected status code 500`).
    public var message: String
    /// Whether a retry may succeed (5xx, some 4xx, network errors).
    public var retry: Bool
    /// The metrics' reason class.
    public var reason: FailureReason

    /// Creates a failure.
    public init(_ message: String, retry: Bool, reason: FailureReason = .other) {
        self.message = message
        self.retry = retry
        self.reason = reason
    }

    public var description: String { message }
}

/// An integration whose failures carry Alertmanager's reason class; ``Retrier`` counts
/// `alertmanager_notifications_failed_total` by it (other integrations count as `other`).
public protocol ClassifyingIntegration: Integration {
    /// Sends the group's alerts once.
    /// - Parameters:
    ///   - context: The group and receiver.
    ///   - alerts: The alerts, firing and resolved, in Alertmanager's order.
    /// - Returns: Success, or the failure with its retry hint and reason.
    func attempt(_ context: NotificationContext, alerts: [NotifierAlert]) async -> Result<Void, SendFailure>
}

extension ClassifyingIntegration {
    /// Sends once through ``attempt(_:alerts:)``.
    public func send(_ context: NotificationContext, alerts: [NotifierAlert]) async -> SendOutcome {
        switch await attempt(context, alerts: alerts) {
        case .success: .sent
        case .failure(let failure): .failed(reason: failure.message, retry: failure.retry)
        }
    }
}
