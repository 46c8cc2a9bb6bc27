// Tollgate — a real store, a real engine and a recording notify function, for rule tests.

import Foundation
import Logging
import Model
import PromQLEngine
import Rules
import Storage
import Synchronization
import TSDB
import TestSupport

/// Templates that expand `{{ $value }}` and `{{ $labels.NAME }}` only (the Go template
/// module has its own tests; these tests are about the rules around it).
struct PlainTemplates: AlertTemplates {
    func check(_ text: String, name: String) -> String? { text.contains("{{ broken") ? "template: \(name):1: unexpected EOF" : nil }

    func expand(_ text: String, name: String, data: AlertTemplateData, time: Int64, query: @escaping QueryFunc) async -> String {
        var out = text.replacingOccurrences(of: "{{ $value }}", with: "\(data.value)")
        for (label, value) in data.labels { out = out.replacingOccurrences(of: "{{ $labels.\(label) }}", with: value) }
        return out
    }
}

/// The alerts handed to the notify function, in order.
final class NotifiedAlerts: Sendable {
    private let alerts = Mutex<[SentAlert]>([])
    var all: [SentAlert] { alerts.withLock { $0 } }
    func take() -> [SentAlert] { alerts.withLock { alerts in defer { alerts = [] }; return alerts } }
    func add(_ more: [SentAlert]) { alerts.withLock { $0 += more } }
}

/// A store in a temporary directory, an engine over it, and an environment for rules.
struct RuleHarness {
    let tsdb: TSDB
    let engine: Engine
    let notified = NotifiedAlerts()
    var environment: RuleEnvironment

    init(_ scratch: TemporaryDirectories, directory: URL? = nil) async throws {
        var logger = Logger(label: "rules-test")
        logger.logLevel = .warning
        let dir = try directory ?? scratch.make("rules")
        let tsdb = try await TSDB.open(directory: dir.path, logger: logger)
        let engine = Engine(queryable: tsdb)
        self.tsdb = tsdb
        self.engine = engine
        let notified = notified
        environment = RuleEnvironment(
            query: { query, time in try await engine.instantSamples(query, at: time).map { RuleSample(labels: $0.labels, value: $0.value) } },
            appendable: tsdb, queryable: tsdb, notify: { _, alerts in notified.add(alerts) }, templates: PlainTemplates(), logger: logger)
        environment.externalURL = "http://tollgate.example:9090"
    }

    /// Appends samples of one series.
    func write(_ series: [String: String], _ points: [(Int64, Double)]) async throws {
        var appender = tsdb.appender()
        let labels = Labels(series)
        for (t, v) in points { appender.append(labels, t: t, v: v) }
        _ = try await appender.commit()
    }

    /// The samples of the series `selector` selects in `[from, to]`.
    func read(_ selector: String, from: Int64, to: Int64) async throws -> [SeriesSamples] {
        try await tsdb.select(try SeriesSelector.parse(selector), minTime: from, maxTime: to)
    }
}
