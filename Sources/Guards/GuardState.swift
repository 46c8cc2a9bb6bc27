// Tollgate — Guards: what a guard remembers between evaluations (`for`).

/// When each check of a guard started failing, so that a check with `for` fails only
/// after consecutive failing evaluations spanning its `for` (as an alert's `for` works:
/// pending from the first failing evaluation, firing once it has lasted `for`).
///
/// A value type the caller keeps per guard and parameters (the HTTP layer, a rollout) and
/// hands to each evaluation; a passing evaluation, or one without data that the no-data
/// policy does not fail, clears the check's time.
public struct GuardState: Sendable, Equatable {
    /// Check name → the evaluation time (ms) of its first failure in the current run of failures.
    public private(set) var failingSince: [String: Int64] = [:]

    /// An empty state: nothing failing.
    public init() {}

    /// Records that `check` fails at `time` and returns since when it has been failing.
    public mutating func failing(_ check: String, at time: Int64) -> Int64 {
        if let since = failingSince[check], since <= time { return since }
        failingSince[check] = time
        return time
    }

    /// Records that `check` does not fail (passes, or has no data) at this evaluation.
    public mutating func clear(_ check: String) { failingSince[check] = nil }

    /// Forgets checks a guard no longer has (after a reload).
    public mutating func keep(only checks: Set<String>) {
        failingSince = failingSince.filter { checks.contains($0.key) }
    }
}
