// Tollgate — Notify tests: inhibition (Alertmanager's inhibit.Inhibitor and InhibitRule.hasEqual).

import Model
import Notify
import Testing
import TollgateConfig

@Suite struct InhibitorTests {
    let now: Int64 = 1_700_000_000_000
    let minute: Int64 = 60_000

    func rule(_ source: String, _ target: String, equal: [String]) throws -> InhibitRuleConfig {
        let parse = { (text: String) throws -> [LabelMatcher] in try text.isEmpty ? [] : AlertmanagerMatchers.parse(text) }
        return InhibitRuleConfig(source: try parse(source), target: try parse(target), equal: equal)
    }

    func alert(_ labels: [String: String], endsAt: Int64? = nil) -> NotifierAlert {
        NotifierAlert(labels: Labels(labels), startsAt: now - minute, endsAt: endsAt ?? now + 60 * minute)
    }

    func fp(_ labels: [String: String]) -> UInt64 { NotifierAlert.fingerprint(Labels(labels)) }

    /// Alertmanager's `TestInhibitRuleHasEqual`. There the rule has no matchers and `hasEqual`
    /// is called directly; here the cached alerts carry `src="1"` and the source side asks for
    /// it, so the same alerts are the sources and the input is a plain target.
    @Test func hasEqualCases() throws {
        typealias Case = (initial: [[String: String]], resolved: Bool, equal: [String], input: [String: String], inhibited: Bool)
        let cases: [Case] = [
            // No source alerts at all.
            ([], false, [], ["a": "b"], false),
            // No equal labels: any source alert will do.
            ([[:]], false, [], ["a": "b"], true),
            // Matching but already resolved.
            ([["a": "b", "b": "f"], ["a": "b", "b": "c"]], true, ["a", "b"], ["a": "b", "b": "c"], false),
            // Matching and firing.
            ([["a": "b", "c": "d"], ["a": "b", "c": "f"]], false, ["a"], ["a": "b"], true),
            // The equal label differs.
            ([["a": "c", "c": "d"], ["a": "c", "c": "f"]], false, ["a"], ["a": "b"], false),
        ]
        for (index, c) in cases.enumerated() {
            let sources = c.initial.map { labels in
                alert(labels.merging(["src": "1"]) { a, _ in a }, endsAt: c.resolved ? now - 1000 : nil)
            }
            let inhibitor = Inhibitor(rules: [try rule(#"src="1""#, "", equal: c.equal)], alerts: sources)
            #expect(!inhibitor.inhibitors(of: Labels(c.input), now: now).isEmpty == c.inhibited, "case \(index)")
        }
    }

    /// Alertmanager's `TestInhibit`: alert one (`t=1`) is muted while alert two (`s=1`, same
    /// `e`) fires, and not once it is resolved.
    @Test func inhibitWhileTheSourceFires() throws {
        let rules = [try rule(#"s="1""#, #"t="1""#, equal: ["e"])]
        let one = alert(["t": "1", "e": "f"])
        let two = alert(["s": "1", "e": "f"])
        var store = AlertStore(resolveTimeout: 5 * minute)
        var inhibitor = Inhibitor(rules: rules)

        for stored in store.put([one], now: now) { inhibitor.observe(stored) }
        #expect(inhibitor.inhibitors(of: one.labels, now: now).isEmpty)

        for stored in store.put([two], now: now) { inhibitor.observe(stored) }
        #expect(inhibitor.inhibitors(of: one.labels, now: now) == [two.fingerprint])
        #expect(inhibitor.firstInhibitor(of: one.labels, now: now) == two.fingerprint)
        #expect(inhibitor.inhibitors(of: two.labels, now: now).isEmpty)

        // Alert two resolves.
        var resolved = two
        resolved.endsAt = now - 1000
        for stored in store.put([resolved], now: now) { inhibitor.observe(stored) }
        #expect(inhibitor.inhibitors(of: one.labels, now: now).isEmpty)
        let result10 = inhibitor.collectGarbage(now: now)
        #expect(result10 == [two.fingerprint])
    }

    /// An alert matching both sides never inhibits itself, nor is it inhibited by others that
    /// match both sides; an alert matching only the source side still inhibits it
    /// (`InhibitRule.hasEqual` with `excludeTwoSidedMatch`, `TestInhibitRuleMatches`).
    @Test func twoSidedMatches() throws {
        let rules = [try rule(#"s="1""#, #"t="1""#, equal: ["e"])]
        let both = ["s": "1", "t": "1", "e": "1"]
        let bothToo = ["s": "1", "t": "1", "e": "1", "x": "2"]
        var inhibitor = Inhibitor(rules: rules, alerts: [alert(both), alert(bothToo)])
        #expect(inhibitor.inhibitors(of: Labels(both), now: now).isEmpty)
        #expect(inhibitor.inhibitors(of: Labels(["t": "1", "e": "1"]), now: now) == [fp(both), fp(bothToo)].sorted())

        let sourceOnly = ["s": "1", "e": "1", "y": "3"]
        inhibitor.observe(alert(sourceOnly))
        #expect(inhibitor.inhibitors(of: Labels(both), now: now) == [fp(sourceOnly)])
        #expect(inhibitor.firstInhibitor(of: Labels(both), now: now) == fp(sourceOnly))
    }

    /// Two rules, as in Alertmanager's `TestInhibitRuleMatches`, and the equal labels, with a
    /// missing label equal to an empty one.
    @Test func severalRulesAndMissingEqualLabels() throws {
        let rules = [
            try rule(#"s1="1""#, #"t1="1""#, equal: ["e"]),
            try rule(#"s2="1""#, #"t2="1""#, equal: ["e"]),
        ]
        let source1 = ["s1": "1", "t1": "2", "e": "1"]
        let source2 = ["s2": "1", "t2": "2", "e": "1"]
        let noE = ["s1": "1"]
        let inhibitor = Inhibitor(rules: rules, alerts: [alert(source1), alert(source2), alert(noE)])
        #expect(inhibitor.inhibitors(of: Labels(["t1": "1", "e": "1"]), now: now) == [fp(source1)])
        #expect(inhibitor.inhibitors(of: Labels(["t2": "1", "e": "1"]), now: now) == [fp(source2)])
        #expect(inhibitor.inhibitors(of: Labels(["t1": "1", "t2": "1", "e": "1"]), now: now) == [fp(source1), fp(source2)].sorted())
        #expect(inhibitor.inhibitors(of: Labels(["t1": "1", "e": "2"]), now: now).isEmpty)
        // e missing on both sides: equal.
        #expect(inhibitor.inhibitors(of: Labels(["t1": "1"]), now: now) == [fp(noE)])
        #expect(inhibitor.inhibitors(of: Labels(["t1": "1", "e": ""]), now: now) == [fp(noE)])
        // Not a target at all.
        #expect(inhibitor.inhibitors(of: Labels(["x": "1", "e": "1"]), now: now).isEmpty)
    }

    @Test func removeForgetsAnAlert() throws {
        let source = ["s": "1", "e": "1"]
        var inhibitor = Inhibitor(rules: [try rule(#"s="1""#, #"t="1""#, equal: ["e"])], alerts: [alert(source)])
        #expect(!inhibitor.inhibitors(of: Labels(["t": "1", "e": "1"]), now: now).isEmpty)
        inhibitor.remove(fp(source))
        #expect(inhibitor.inhibitors(of: Labels(["t": "1", "e": "1"]), now: now).isEmpty)
        #expect(Inhibitor(rules: []).isEmpty)
    }

    /// The index gives what a scan of every alert gives, and 20,000 alerts stay cheap.
    @Test func indexAgreesWithAScanAndScales() throws {
        let rules = [
            try rule(#"severity="critical""#, #"severity="warning""#, equal: ["cluster", "service"]),
            try rule(#"alertname="ClusterDown""#, #"alertname!="ClusterDown""#, equal: ["cluster"]),
        ]
        var alerts: [NotifierAlert] = []
        for i in 0..<20_000 {
            var labels = [
                "alertname": i % 1000 == 0 ? "ClusterDown" : "Alert\(i % 50)",
                "severity": i % 2 == 0 ? "critical" : "warning",
                "cluster": "c\(i % 40)", "service": "s\(i % 7)", "instance": "i\(i)",
            ]
            if i % 13 == 0 { labels["service"] = nil }
            alerts.append(alert(labels, endsAt: i % 3 == 0 ? now - 1000 : nil))
        }
        let clock = ContinuousClock()
        let started = clock.now
        let inhibitor = Inhibitor(rules: rules, alerts: alerts)
        var inhibited = 0
        for alert in alerts where inhibitor.firstInhibitor(of: alert.labels, now: now) != nil { inhibited += 1 }
        let elapsed = clock.now - started
        #expect(inhibited > 0)
        #expect(elapsed < .seconds(20), "20,000 lookups took \(elapsed)")  // about 0.4 s in a debug build

        // A sample checked against Alertmanager's plain scan.
        for alert in alerts.prefix(25) {
            #expect(inhibitor.inhibitors(of: alert.labels, now: now) == scan(alert.labels, alerts, rules))
        }
    }

    /// `Inhibitor.Mutes` over every alert, without an index.
    func scan(_ labels: Labels, _ alerts: [NotifierAlert], _ rules: [InhibitRuleConfig]) -> [UInt64] {
        var found = Set<UInt64>()
        for rule in rules where labels.matches(rule.targetMatchers) {
            let twoSided = labels.matches(rule.sourceMatchers)
            for alert in alerts where alert.labels.matches(rule.sourceMatchers) && !alert.resolved(at: now) {
                guard rule.equal.allSatisfy({ (alert.labels[$0] ?? "") == (labels[$0] ?? "") }) else { continue }
                if twoSided && alert.labels.matches(rule.targetMatchers) { continue }
                found.insert(alert.fingerprint)
            }
        }
        return found.sorted()
    }

    /// The inhibition step of the marker: Alertmanager records the first inhibitor.
    @Test func inhibitionStepMarksTheAlert() throws {
        let one = alert(["t": "1", "e": "f"])
        let two = alert(["s": "1", "e": "f"])
        let three = alert(["s": "1", "e": "f", "z": "1"])
        let inhibitor = Inhibitor(rules: [try rule(#"s="1""#, #"t="1""#, equal: ["e"])], alerts: [one, two, three])
        var marker = AlertMarker()
        let result11 = marker.applyInhibitions(one.labels, fingerprint: one.fingerprint, inhibitor: inhibitor, now: now)
        #expect(result11)
        #expect(marker.status(one.fingerprint).inhibitedBy == [NotifierAlert.hex(min(two.fingerprint, three.fingerprint))])
        marker.applyInhibitions(one.labels, fingerprint: one.fingerprint, inhibitor: inhibitor, now: now, all: true)
        #expect(marker.status(one.fingerprint).inhibitedBy.count == 2)
        #expect(marker.status(one.fingerprint).state == .suppressed)
        let result12 = marker.applyInhibitions(two.labels, fingerprint: two.fingerprint, inhibitor: inhibitor, now: now)
        #expect(!result12)
        #expect(marker.status(two.fingerprint).state == .active)
    }
}
