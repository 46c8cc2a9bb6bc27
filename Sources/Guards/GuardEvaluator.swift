// Tollgate — Guards: one evaluation of a guard: its checks, its vetoes, the decision.

public import Model
public import Rules
public import TollgateConfig

/// Runs a range query (the expression's values at `step` from `start` to `end`, all in
/// milliseconds) and returns each series with its points, as the engine's range query
/// gives them. Comparison checks take their samples from it.
public typealias RangeQueryFunc = @Sendable (_ query: String, _ start: Int64, _ end: Int64, _ step: Int64) async throws
    -> [(labels: Labels, points: [(t: Int64, v: Double)])]

/// The label sets of the alerts firing now (from the rule manager); vetoes match them.
public typealias FiringAlertsFunc = @Sendable () async throws -> [Labels]

/// Evaluates guards: runs each check's query, compares the canary with its baseline,
/// matches the vetoes against the firing alerts, and decides, with the evidence.
///
/// It holds only functions (the same `QueryFunc` rules get, a range query and the firing
/// alerts), so it is tested over a real engine and runs the same behind any API.
///
/// ```swift
/// let evaluator = GuardEvaluator(query: query, rangeQuery: range, firingAlerts: { [] })
/// var state = GuardState()
/// let decision = await evaluator.evaluate(spec, parameters: GuardParameters(service: "checkout", version: "v2", baseline: "v1"),
///                                         at: now, state: &state)
/// print(decision.decision, decision.reason)   // no-go error-ratio 0.034 > 0.01 for 45s
/// ```
public struct GuardEvaluator: Sendable {
    /// Instant queries (threshold checks).
    public var query: QueryFunc
    /// Range queries (comparison checks).
    public var rangeQuery: RangeQueryFunc
    /// The firing alerts (vetoes).
    public var firingAlerts: FiringAlertsFunc

    /// Creates an evaluator.
    /// - Parameters:
    ///   - query: instant queries, as rules run them.
    ///   - rangeQuery: range queries, for comparisons.
    ///   - firingAlerts: the alerts firing now, for vetoes.
    public init(query: @escaping QueryFunc, rangeQuery: @escaping RangeQueryFunc, firingAlerts: @escaping FiringAlertsFunc) {
        self.query = query
        self.rangeQuery = rangeQuery
        self.firingAlerts = firingAlerts
    }

    /// Evaluates `spec` for `parameters` at `time` (milliseconds).
    /// - Parameters:
    ///   - spec: the guard.
    ///   - parameters: service, version and baseline.
    ///   - time: the evaluation time.
    ///   - state: when each check started failing; updated for the next evaluation.
    /// - Returns: the decision and its evidence. Never throws: a failing query makes its
    ///   check `error` and the decision `inconclusive` unless something else is no-go.
    public func evaluate(_ spec: GuardSpec, parameters: GuardParameters, at time: Int64, state: inout GuardState) async -> GuardDecision {
        var checks: [CheckEvidence] = []
        for check in spec.checks {
            let raw = await measure(check, guard: spec, parameters: parameters, at: time)
            checks.append(settle(raw, check: check, policy: check.noData ?? spec.noData, at: time, state: &state))
        }
        state.keep(only: Set(spec.checks.map(\.name)))
        var vetoing: [Labels] = []
        var vetoError: String?
        if !spec.vetoes.isEmpty {
            do {
                let matchers = try spec.vetoes.map { veto throws(LabelMatcherError) in try veto.labelMatchers(parameters) }
                let alerts = try await firingAlerts()
                vetoing = alerts.filter { alert in matchers.contains { alert.matches($0) } }.sorted(by: Labels.precedes)
            } catch {
                vetoError = "the firing alerts could not be read: \(error)"
            }
        }
        var decision = GuardDecision(guardName: spec.name, parameters: parameters, decision: .go, reason: "", evaluatedAt: time, checks: checks, vetoes: vetoing)
        decision.vetoError = vetoError
        (decision.decision, decision.reason) = Self.decide(checks: checks, vetoes: vetoing, vetoError: vetoError, maxFailedChecks: spec.maxFailedChecks)
        return decision
    }

    /// The decision and its reason from the checks' evidence and the vetoing alerts.
    static func decide(checks: [CheckEvidence], vetoes: [Labels], vetoError: String?, maxFailedChecks: Int) -> (Decision, String) {
        if let alert = vetoes.first {
            let more = vetoes.count > 1 ? " (and \(vetoes.count - 1) more)" : ""
            return (.noGo, "alert \(alertName(alert)) is firing\(more)")
        }
        let failing = checks.filter { $0.verdict == .fail || ($0.verdict == .nodata && $0.noDataPolicy == .fail) }
        if let critical = failing.first(where: \.critical) {
            return (.noGo, critical.summary + more(failing.count - 1))
        }
        if let first = failing.first, failing.count > maxFailedChecks {
            return (.noGo, first.summary + more(failing.count - 1))
        }
        let unsure = checks.filter { $0.verdict == .error || ($0.verdict == .nodata && $0.noDataPolicy == .inconclusive) }
        if let first = unsure.first { return (.inconclusive, first.summary + more(unsure.count - 1)) }
        if let vetoError { return (.inconclusive, vetoError) }
        let breaching = checks.filter { $0.verdict == .breaching }
        if let first = breaching.first { return (.pending, first.summary + more(breaching.count - 1)) }
        if checks.isEmpty { return (.go, "no veto alert is firing") }
        if !failing.isEmpty {
            return (.go, "\(checks.count - failing.count) of \(checks.count) checks pass; \(failing.count) failing tolerated (max_failed_checks: \(maxFailedChecks)): \(failing[0].summary)")
        }
        return (.go, checks.count == 1 ? "\(checks[0].summary)" : "all \(checks.count) checks pass")
    }

    private static func more(_ count: Int) -> String { count > 0 ? " (and \(count) more)" : "" }

    /// `name{labels}` of an alert, its `alertname` first.
    static func alertName(_ labels: Labels) -> String {
        let name = labels["alertname"] ?? ""
        let rest = Labels(sorting: labels.filter { $0.name != "alertname" })
        return name + (rest.isEmpty ? "" : "\(rest)")
    }
}
