// Tollgate — RuleTesting: one test group: a fresh store, the rules at every tick, the checks.

import Foundation
import Logging
import Model
import PromQL
import PromQLEngine
import Rules
import Storage
import TSDB
import TollgateConfig

extension RuleTestRunner {
    /// Runs one test group (promtool's `testGroup.test`) and returns its failures.
    func test(_ context: GroupContext) async -> [String] {
        let group = context.group
        let interval = group.interval?.milliseconds ?? context.evaluationInterval
        var loader: InputLoader
        do {
            loader = try InputLoader(group.inputSeries, start: group.startTimestamp, interval: interval)
        } catch {
            return [error.description]
        }
        let directory = (scratchDirectory as NSString).appendingPathComponent("tollgate-test-rules-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let store = try await TSDB.open(directory: directory, logger: logger)
            return await test(context, interval: interval, store: store, loader: &loader)
        } catch {
            return ["\(error)"]
        }
    }

    private func test(_ context: GroupContext, interval: Int64, store: TSDB, loader: inout InputLoader) async -> [String] {
        let group = context.group
        var options = EngineOptions()
        options.defaultSubqueryStep = context.evaluationInterval
        options.parser = parserOptions
        let engine = Engine(queryable: store, options: options)
        var environment = RuleEnvironment(
            query: { query, time in try await engine.instantSamples(query, at: time).map { RuleSample(labels: $0.labels, value: $0.value) } },
            appendable: store, queryable: store, notify: { _, _ in }, templates: templates, logger: logger)
        environment.externalLabels = group.externalLabels
        environment.externalURL = group.externalURL

        let ruleLoader = RuleLoader(
            evaluationInterval: PromDuration(milliseconds: interval), queryOffset: PromDuration(milliseconds: 0), parserOptions: parserOptions,
            templates: templates)
        let loaded: [RuleGroup]
        do {
            loaded = try ruleLoader.load(patterns: context.ruleFiles, restore: false)
        } catch {
            return error.all.map(\.located)
        }
        let groups = loaded.enumerated().sorted { a, b in
            let (x, y) = (context.ranks[a.element.name] ?? 0, context.ranks[b.element.name] ?? 0)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)

        if let missing = group.alertRuleTests.first(where: { $0.alertname.isEmpty }) {
            let location = group.name.isEmpty ? "" : " (in TestGroup \(group.name))"
            return ["an item under alert_rule_test misses required attribute alertname at eval_time \(missing.evalTime)\(location)"]
        }
        let alertTests = Dictionary(grouping: group.alertRuleTests, by: \.evalTime.milliseconds)
        let alertTimes = alertTests.keys.sorted()
        var next = 0

        let start = group.startTimestamp
        let end = start + group.maxEvalTime.milliseconds
        let step = max(1, context.evaluationInterval)
        var errors: [String] = []
        var tick = start
        while tick <= end {
            do {
                try await loader.append(till: tick, to: store)
            } catch {
                errors.append("\(error)")
            }
            var evaluationErrors: [String] = []
            for ruleGroup in groups {
                await ruleGroup.evaluate(at: tick, environment: environment)
                for rule in await ruleGroup.snapshot().rules where rule.status.health == .err {
                    evaluationErrors.append(
                        "    rule: \(rule.name), time: \(PromtoolFormat.goDuration(milliseconds: tick)), err: \(rule.status.lastError)")
                }
            }
            errors += evaluationErrors
            if !evaluationErrors.isEmpty { return errors }

            while next < alertTimes.count, tick - start <= alertTimes[next], alertTimes[next] < tick + step - start {
                let time = alertTimes[next]
                errors += await checkAlerts(alertTests[time] ?? [], groups: groups, testName: group.name)
                next += 1
            }
            tick += step
        }
        for test in group.promqlExprTests {
            if let failure = await checkExpression(test, engine: engine, start: start, fuzzy: context.fuzzyCompare) { errors.append(failure) }
        }
        return errors
    }

    /// Compares the firing alerts of each tested alert name with the expected ones.
    private func checkAlerts(_ tests: [AlertRuleTest], groups: [RuleGroup], testName: String) async -> [String] {
        let names = Set(tests.map(\.alertname))
        var got: [String: [ComparedAlert]] = [:]
        for ruleGroup in groups {
            for rule in await ruleGroup.snapshot().rules where rule.kind == .alerting && names.contains(rule.name) {
                let firing = rule.alerts.filter { $0.state == .firing }.map { ComparedAlert(labels: $0.labels, annotations: $0.annotations) }
                got[rule.name, default: []] += firing
            }
        }
        var failures: [String] = []
        for test in tests {
            let gotAlerts = (got[test.alertname] ?? []).sorted(by: ComparedAlert.precedes)
            let expected = test.expectedAlerts.map { alert in
                var labels = alert.labels
                labels["alertname"] = test.alertname
                return ComparedAlert(labels: Labels(labels), annotations: Labels(alert.annotations))
            }.sorted(by: ComparedAlert.precedes)
            guard expected != gotAlerts else { continue }
            let name = testName.isEmpty ? "" : "    name: \(testName),\n"
            let exp = PromtoolFormat.indentLines(PromtoolFormat.alerts(expected), "            ")
            let gotText = PromtoolFormat.indentLines(PromtoolFormat.alerts(gotAlerts), "            ")
            failures.append("\(name)    alertname: \(test.alertname), time: \(test.evalTime), \n        exp:\(exp), \n        got:\(gotText)")
        }
        return failures
    }

    /// Evaluates one expression test at start + eval_time and compares the samples.
    private func checkExpression(_ test: PromQLExprTest, engine: Engine, start: Int64, fuzzy: Bool) async -> String? {
        let prefix = "    expr: \(goQuote(test.expr)), time: \(test.evalTime)"
        let got: [(labels: Labels, value: Double)]
        do {
            got = try await engine.instantSamples(test.expr, at: start + test.evalTime.milliseconds)
        } catch {
            return prefix + ", err: \(error)"
        }
        var expected: [(labels: Labels, value: Double)] = []
        for sample in test.expectedSamples {
            let labels: Labels
            do {
                labels = try SeriesDescription.parseLabels(sample.labels)
            } catch {
                return prefix + ", err: labels \(goQuote(sample.labels)): \(labelsProblem(sample.labels, fallback: error))"
            }
            guard sample.histogram.isEmpty else {
                return prefix + ", err: labels \(goQuote(sample.labels)): native histograms are not supported"
            }
            expected.append((labels, sample.value))
        }
        let sortedGot = got.sorted { Labels.precedes($0.labels, $1.labels) }
        let sortedExpected = expected.sorted { Labels.precedes($0.labels, $1.labels) }
        let equal =
            sortedGot.count == sortedExpected.count
            && zip(sortedGot, sortedExpected).allSatisfy { g, e in g.labels == e.labels && Self.equal(e.value, g.value, fuzzy: fuzzy) }
        guard !equal else { return nil }
        return prefix + ",\n        exp: \(PromtoolFormat.samples(sortedExpected))\n        got: \(PromtoolFormat.samples(sortedGot))"
    }

    /// Why a label set does not parse, in the PromQL parser's words (`1:8: parse error: …`,
    /// as Prometheus's `ParseMetric` reports it) when the parser refuses it too.
    private func labelsProblem(_ text: String, fallback: SeriesDescriptionError) -> String {
        do {
            _ = try parseExpr(text, options: parserOptions)
        } catch {
            return error.description
        }
        return fallback.description
    }

    /// Exact float equality, or within one step of the last mantissa bit when `fuzzy`.
    static func equal(_ x: Double, _ y: Double, fuzzy: Bool) -> Bool {
        x == y || (fuzzy && (x.nextDown == y || x.nextUp == y))
    }
}
