// Tollgate — Notify tests: the dispatcher (Alertmanager's `dispatch.Dispatcher`) and the flush plan (the notification pipeline's stages).

import Model
import Notify
import Testing
import TollgateConfig

@Suite struct DispatchTests {
    static let yaml = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 1h
          routes:
            - matchers: ['severity="critical"']
              receiver: pager
              continue: true
            - matchers: ['severity="critical"']
              receiver: audit
              group_by: ['...']
            - matchers: ['team="db"']
              receiver: db
              mute_time_intervals: [nights]
              active_time_intervals: [workdays]
            - matchers: ['team="twin"']
              receiver: twin-a
              continue: true
            - matchers: ['team="twin"']
              receiver: twin-b
        receivers: [{name: default}, {name: pager}, {name: audit}, {name: db}, {name: twin-a}, {name: twin-b}]
        time_intervals:
          - name: nights
            time_intervals: [{times: [{start_time: "00:00", end_time: "06:00"}]}]
          - name: workdays
            time_intervals: [{weekdays: ['monday:friday']}]
        """
    static let t0: Int64 = 1_700_000_000_000
    static let wait: Int64 = 30_000
    static let interval: Int64 = 300_000

    static func root() throws -> Route { Route(try AlertmanagerFile(yaml: yaml, file: "am.yml").route) }

    static func alert(_ labels: [String: String], startsAt: Int64 = t0, endsAt: Int64 = 0, updatedAt: Int64 = t0) -> NotifierAlert {
        NotifierAlert(labels: Labels(labels), startsAt: startsAt, endsAt: endsAt, updatedAt: updatedAt)
    }

    // MARK: grouping and timing

    @Test func groupWaitThenGroupIntervalCadence() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        #expect(dispatch.nextDeadline() == nil)
        dispatch.process(Self.alert(["alertname": "A", "instance": "1"]), now: t0)
        dispatch.process(Self.alert(["alertname": "A", "instance": "2"]), now: t0 + 10_000)
        #expect(dispatch.groupCount == 1)
        #expect(dispatch.nextDeadline() == t0 + Self.wait)
        #expect(dispatch.due(now: t0 + Self.wait - 1).isEmpty)

        let first = dispatch.due(now: t0 + Self.wait)
        #expect(first.count == 1)
        #expect(first[0].groupKey == #"{}:{alertname="A"}"#)
        #expect(first[0].receiver == "default")
        #expect(first[0].groupLabels == Labels(["alertname": "A"]))
        #expect(first[0].alerts.count == 2)
        #expect(first[0].repeatInterval == 3_600_000)
        // While the flush is out nothing else is due, and no deadline is reported for it.
        #expect(dispatch.nextDeadline() == nil)
        dispatch.flushed(first[0], succeeded: true)
        #expect(dispatch.nextDeadline() == t0 + Self.wait + Self.interval)

        // A third alert joins and waits for the next tick, not for group_wait.
        dispatch.process(Self.alert(["alertname": "A", "instance": "3"]), now: t0 + 60_000)
        #expect(dispatch.nextDeadline() == t0 + Self.wait + Self.interval)
        let second = dispatch.due(now: t0 + Self.wait + Self.interval)
        #expect(second.map(\.alerts.count) == [3])
        dispatch.flushed(second[0], succeeded: true)
        #expect(dispatch.nextDeadline() == t0 + Self.wait + 2 * Self.interval)
    }

    /// `aggrGroup.insert`: an alert older than group_wait makes a new group flush at once.
    @Test func oldAlertFlushesImmediately() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        dispatch.process(Self.alert(["alertname": "Old"], startsAt: t0 - 3_600_000), now: t0)
        #expect(dispatch.nextDeadline() == t0)
        #expect(dispatch.due(now: t0).count == 1)
    }

    /// `continue` on the first critical route: the alert ends in two nodes, two groups, two receivers
    /// (`TestGroups`-like); the second groups by every label (`group_by: ['...']`).
    @Test func continueRoutesMakeTwoGroups() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        let alert = Self.alert(["alertname": "Down", "severity": "critical", "instance": "a"])
        dispatch.process(alert, now: t0)
        let flushes = dispatch.due(now: t0 + Self.wait)
        #expect(flushes.map(\.receiver).sorted() == ["audit", "pager"])
        let audit = try #require(flushes.first { $0.receiver == "audit" })
        #expect(audit.groupKey == #"{}/{severity="critical"}:{alertname="Down", instance="a", severity="critical"}"#)
        #expect(audit.groupLabels == alert.labels)
        let pager = try #require(flushes.first { $0.receiver == "pager" })
        #expect(pager.groupKey == #"{}/{severity="critical"}:{alertname="Down"}"#)
        #expect(dispatch.receiversByFingerprint == [alert.fingerprint: ["audit", "pager"]])
    }

    /// `group_by: ['...']` (Route's groupByAll, `TestGroupByAllLabels`): one group per distinct label set.
    @Test func groupByAllMakesAGroupPerLabelSet() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        dispatch.process(Self.alert(["alertname": "Down", "severity": "critical", "instance": "a"]), now: t0)
        dispatch.process(Self.alert(["alertname": "Down", "severity": "critical", "instance": "b"]), now: t0)
        let groups = dispatch.groups
        #expect(groups.filter { $0.receiver == "audit" }.count == 2)
        #expect(groups.filter { $0.receiver == "pager" }.count == 1)
        #expect(groups.first { $0.receiver == "pager" }?.alerts.count == 2)
        for group in groups where group.receiver == "audit" {
            #expect(group.alerts.count == 1)
            #expect(group.labels == group.alerts[0].labels)
        }
    }

    /// Two sibling nodes with the same matchers share a route key, hence a group key; they are still two groups.
    @Test func siblingsWithTheSameKeyKeepSeparateGroups() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        dispatch.process(Self.alert(["alertname": "T", "team": "twin"]), now: t0)
        let flushes = dispatch.due(now: t0 + Self.wait)
        #expect(flushes.map(\.receiver) == ["twin-a", "twin-b"])
        #expect(Set(flushes.map(\.groupKey)).count == 1)
        #expect(Set(flushes.map(\.id)).count == 2)
    }

    /// The dispatcher's matching agrees with `Route.match` (same nodes, same order).
    @Test(arguments: [
        ["severity": "critical"], ["team": "db"], ["team": "twin", "severity": "critical"], ["team": "twin"], [:],
    ])
    func matchesLikeRouteMatch(labels: [String: String]) throws {
        let root = try Self.root()
        var dispatch = Dispatch(route: root)
        dispatch.process(Self.alert(labels.merging(["alertname": "M"]) { a, _ in a }), now: Self.t0)
        let expected = root.match(Labels(labels.merging(["alertname": "M"]) { a, _ in a })).map(\.options.receiver)
        let flushes = dispatch.due(now: Self.t0 + Self.wait)
        #expect(flushes.sorted { $0.id.route < $1.id.route }.map(\.receiver) == expected)
    }

    // MARK: flush outcomes

    /// Resolved alerts leave after a successful flush, unless modified since; an emptied group is destroyed.
    @Test func successfulFlushDropsResolvedAlertsAndEmptyGroups() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        dispatch.process(Self.alert(["alertname": "R", "i": "1"], endsAt: t0 + 10_000), now: t0)
        dispatch.process(Self.alert(["alertname": "R", "i": "2"], endsAt: t0 + 10_000), now: t0)
        let flush = try #require(dispatch.due(now: t0 + Self.wait).first)
        // i=2 fires again while the notification is out.
        dispatch.process(Self.alert(["alertname": "R", "i": "2"], startsAt: t0 + 31_000, updatedAt: t0 + 31_000), now: t0 + 31_000)
        dispatch.flushed(flush, succeeded: true)
        #expect(dispatch.groups.map { $0.alerts.map { $0.labels["i"] ?? "" } } == [["2"]])

        // i=2 resolves; the next successful flush empties the group, which goes.
        dispatch.process(Self.alert(["alertname": "R", "i": "2"], startsAt: t0 + 31_000, endsAt: t0 + 40_000, updatedAt: t0 + 40_000), now: t0 + 40_000)
        let next = try #require(dispatch.due(now: t0 + Self.wait + Self.interval).first)
        dispatch.flushed(next, succeeded: true)
        #expect(dispatch.groupCount == 0)
        #expect(dispatch.nextDeadline() == nil)

        // A new alert of that group waits for group_wait again.
        dispatch.process(Self.alert(["alertname": "R", "i": "3"], startsAt: t0 + 400_000), now: t0 + 400_000)
        #expect(dispatch.nextDeadline() == t0 + 400_000 + Self.wait)
    }

    @Test func failedFlushKeepsState() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        dispatch.process(Self.alert(["alertname": "F"], endsAt: t0 + 10_000), now: t0)
        let flush = try #require(dispatch.due(now: t0 + Self.wait).first)
        dispatch.flushed(flush, succeeded: false)
        #expect(dispatch.groupCount == 1)
        #expect(dispatch.nextDeadline() == t0 + Self.wait + Self.interval)
        let retry = try #require(dispatch.due(now: t0 + Self.wait + Self.interval).first)
        #expect(retry.alerts == flush.alerts)
        #expect(retry.generation == flush.generation)
    }

    @Test func removeDropsAlertsAndEmptyGroups() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        let a = Self.alert(["alertname": "G", "i": "1"])
        let b = Self.alert(["alertname": "G", "i": "2"])
        let c = Self.alert(["alertname": "H"])
        for alert in [a, b, c] { dispatch.process(alert, now: t0) }
        dispatch.remove(fingerprints: [a.fingerprint, c.fingerprint])
        #expect(dispatch.groups.map(\.alerts) == [[b]])
    }

    /// A reload drops every group (the runtime re-processes its store); reports of older flushes are ignored.
    @Test func applyRebuildsAndIgnoresStaleFlushes() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        let alert = Self.alert(["alertname": "X"], endsAt: t0 + 10_000)
        dispatch.process(alert, now: t0)
        let stale = try #require(dispatch.due(now: t0 + Self.wait).first)
        dispatch.apply(route: try Self.root())
        #expect(dispatch.groupCount == 0)
        dispatch.process(alert, now: t0 + 31_000)
        dispatch.flushed(stale, succeeded: true)
        #expect(dispatch.groups.map(\.alerts) == [[alert]])
        // The replayed alert started more than group_wait ago: the new group flushes at once.
        #expect(dispatch.nextDeadline() == t0 + 31_000)
    }

    /// `AlertGroups.Less`: fewer group labels first, then label values, then receiver.
    @Test func groupsInAlertmanagerOrder() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        dispatch.process(Self.alert(["alertname": "B"]), now: t0)
        dispatch.process(Self.alert(["alertname": "A"]), now: t0)
        dispatch.process(Self.alert(["alertname": "A", "severity": "critical"]), now: t0)
        #expect(dispatch.groups.map { "\($0.receiver) \($0.groupKey)" } == [
            #"default {}:{alertname="A"}"#,
            #"pager {}/{severity="critical"}:{alertname="A"}"#,
            #"default {}:{alertname="B"}"#,
            #"audit {}/{severity="critical"}:{alertname="A", severity="critical"}"#,
        ])
    }

    // MARK: the pipeline (FlushPlan)

    static func flush(_ alerts: [NotifierAlert], now: Int64 = t0 + wait, mute: [String] = [], active: [String] = []) -> GroupFlush {
        var options = RouteOptions.defaults
        options.receiver = "r"
        options.repeatInterval = PromDuration(milliseconds: 3_600_000)
        options.muteTimeIntervals = mute
        options.activeTimeIntervals = active
        return GroupFlush(
            id: GroupID(route: 0, groupKey: "{}:{}"), receiver: "r", groupLabels: Labels(), options: options, now: now, alerts: alerts, generation: 1)
    }

    static let firing = alert(["alertname": "F"], endsAt: t0 + 3_600_000)
    static let resolved = alert(["alertname": "R"], endsAt: t0 + 1_000)

    @Test func sendResolvedFiltersResolvedAlerts() {
        let plan = FlushPlan(flush: Self.flush([Self.firing, Self.resolved]), muted: { _ in false }, inTimeIntervals: { _, _ in false })
        #expect(plan.suppression == nil)
        #expect(plan.firing == [Self.firing.fingerprint])
        #expect(plan.resolved == [Self.resolved.fingerprint])
        let log = NotificationLog()
        let with = plan.integration(kind: "webhook", index: 0, sendResolved: true, log: log)
        #expect(with.action == .send)
        #expect(with.decision == .firstNotification)
        #expect(with.alerts == [Self.firing, Self.resolved])
        let without = plan.integration(kind: "slack", index: 0, sendResolved: false, log: log)
        #expect(without.action == .send)
        #expect(without.alerts == [Self.firing])
        #expect(without.firing == [Self.firing.fingerprint])
        #expect(without.resolved == [Self.resolved.fingerprint])
        #expect(without.key.description == "{}:{}:r/slack/0")
        #expect(without.expiry == 7_200_000)
    }

    /// `RetryStage` without send_resolved and nothing firing: nothing sent, but logged (`TestRetryStageNoResolved`).
    @Test func onlyResolvedWithoutSendResolvedLogsWithoutSending() {
        var log = NotificationLog()
        let key = NotificationLogKey(groupKey: "{}:{}", receiver: "r", integration: "email", index: 0)
        log.log(key, firing: [Self.resolved.fingerprint], resolved: [], now: Self.t0)
        let plan = FlushPlan(flush: Self.flush([Self.resolved]), muted: { _ in false }, inTimeIntervals: { _, _ in false })
        let step = plan.integration(kind: "email", index: 0, sendResolved: false, log: log)
        #expect(step.decision == .allResolved)
        #expect(step.action == .logOnly)
        #expect(step.alerts.isEmpty)
        let entry = step.record(in: &log, now: Self.t0 + Self.wait)
        #expect(entry?.firing == [])
        #expect(entry?.resolved == [Self.resolved.fingerprint])
        // Next flush: nothing fires and the entry has no firing alerts: skip.
        let later = FlushPlan(flush: Self.flush([Self.resolved], now: Self.t0 + 400_000), muted: { _ in false }, inTimeIntervals: { _, _ in false })
        #expect(later.integration(kind: "email", index: 0, sendResolved: false, log: log).action == .skip)
    }

    @Test func timeIntervalsAndMutingSuppress() {
        let all = [Self.firing, Self.resolved]
        var asked: [[String]] = []
        let inactive = FlushPlan(flush: Self.flush(all, mute: ["nights"], active: ["workdays"]), muted: { _ in true }) { names, now in
            asked.append(names)
            #expect(now == Self.t0 + Self.wait)
            return false
        }
        #expect(inactive.suppression == .activeTimeInterval)
        #expect(inactive.alerts.isEmpty)
        #expect(asked == [["workdays"]])
        let muted = FlushPlan(flush: Self.flush(all, mute: ["nights"], active: ["workdays"]), muted: { _ in false }) { _, _ in true }
        #expect(muted.suppression == .muteTimeInterval)
        let outside = FlushPlan(flush: Self.flush(all, mute: ["nights"]), muted: { _ in false }) { _, _ in false }
        #expect(outside.suppression == nil)
        #expect(outside.alerts == all)
        let silenced = FlushPlan(flush: Self.flush(all), muted: { _ in true }, inTimeIntervals: { _, _ in false })
        #expect(silenced.suppression == .allMuted)
        #expect(silenced.muted == all)
        #expect(silenced.integration(kind: "webhook", index: 0, sendResolved: true, log: NotificationLog()).action == .skip)
        let partly = FlushPlan(flush: Self.flush(all), muted: { $0 == Self.resolved }, inTimeIntervals: { _, _ in false })
        #expect(partly.alerts == [Self.firing])
        #expect(partly.muted == [Self.resolved])
        #expect(partly.resolved.isEmpty)
    }

    /// End to end with a manual clock: the same firing group is re-notified only once repeat_interval has passed
    /// (checked at group_interval ticks), through `needsUpdate`.
    @Test func repeatIntervalRenotifiesOnlyThroughDedup() throws {
        var now = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        var log = NotificationLog()
        dispatch.process(Self.alert(["alertname": "P"], endsAt: Self.t0 + 86_400_000), now: now)
        var sends: [Int64] = []
        while now <= Self.t0 + 3 * 3_600_000 {
            if let deadline = dispatch.nextDeadline() { now = deadline } else { break }
            for flush in dispatch.due(now: now) {
                let step = FlushPlan(flush: flush, muted: { _ in false }, inTimeIntervals: { _, _ in false })
                    .integration(kind: "webhook", index: 0, sendResolved: true, log: log)
                if step.action == .send {
                    sends.append(now - Self.t0)
                    step.record(in: &log, now: now)
                }
                dispatch.flushed(flush, succeeded: true)
            }
        }
        // First at group_wait; repeat_interval 1h is reached at the first tick strictly after 30s + 1h.
        let expected: [Int64] = [30_000, 3_930_000, 7_830_000]  // 30s, then 30s + 13 and 26 ticks of 5m
        #expect(sends == expected)
    }

    /// Runs every due flush through one webhook integration; returns what each flush sent.
    static func runDue(_ dispatch: inout Dispatch, _ log: inout NotificationLog, now: Int64, sendResolved: Bool) -> [IntegrationPlan] {
        var steps: [IntegrationPlan] = []
        for flush in dispatch.due(now: now) {
            let step = FlushPlan(flush: flush, muted: { _ in false }, inTimeIntervals: { _, _ in false })
                .integration(kind: "webhook", index: 0, sendResolved: sendResolved, log: log)
            step.record(in: &log, now: now)
            steps.append(step)
            dispatch.flushed(flush, succeeded: true)
        }
        return steps
    }

    /// contracts.md §3.2: an alert resolved before the group's first flush is never notified, and the group goes.
    @Test func alertResolvedBeforeFirstFlushIsNeverNotified() throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        var log = NotificationLog()
        dispatch.process(Self.alert(["alertname": "Blip"], endsAt: t0 + 5_000), now: t0)
        let steps = Self.runDue(&dispatch, &log, now: t0 + Self.wait, sendResolved: true)
        #expect(steps.map(\.action) == [.skip])
        #expect(log.entries.isEmpty)
        #expect(dispatch.groupCount == 0)
    }

    /// Firing, then resolved, with and without send_resolved: the resolution is sent (or only logged), then the group goes.
    @Test(arguments: [true, false])
    func lifecycleOfOneAlert(sendResolved: Bool) throws {
        let t0 = Self.t0
        var dispatch = Dispatch(route: try Self.root())
        var log = NotificationLog()
        let firing = Self.alert(["alertname": "Life"], endsAt: t0 + 86_400_000)
        dispatch.process(firing, now: t0)
        let first = Self.runDue(&dispatch, &log, now: t0 + Self.wait, sendResolved: sendResolved)
        #expect(first.map(\.action) == [.send])
        #expect(first.first?.alerts == [firing])
        // Unchanged at the next tick: nothing.
        #expect(Self.runDue(&dispatch, &log, now: t0 + Self.wait + Self.interval, sendResolved: sendResolved).map(\.action) == [.skip])
        var resolved = firing
        resolved.endsAt = t0 + 400_000
        resolved.updatedAt = t0 + 400_000
        dispatch.process(resolved, now: t0 + 400_000)
        let last = Self.runDue(&dispatch, &log, now: t0 + Self.wait + 2 * Self.interval, sendResolved: sendResolved)
        #expect(last.first?.decision == .allResolved)
        #expect(last.first?.action == (sendResolved ? .send : .logOnly))
        #expect(last.first?.alerts == (sendResolved ? [resolved] : []))
        #expect(log.entries.map(\.firing) == [[]])
        #expect(dispatch.groupCount == 0)
    }

    /// An integration whose log entry is newer than the flush does nothing (`DedupStage.Exec`).
    @Test func entryNewerThanTheFlushSkips() {
        var log = NotificationLog()
        let key = NotificationLogKey(groupKey: "{}:{}", receiver: "r", integration: "webhook", index: 0)
        log.log(key, firing: [], resolved: [], now: Self.t0 + Self.wait + 5)
        let plan = FlushPlan(flush: Self.flush([Self.firing]), muted: { _ in false }, inTimeIntervals: { _, _ in false })
        #expect(plan.integration(kind: "webhook", index: 0, sendResolved: true, log: log).action == .skip)
    }

    /// `truncateAlerts` (webhook `max_alerts`): the first N in order, the rest counted.
    @Test func truncation() {
        let alerts = (0..<5).map { Self.alert(["alertname": "T", "i": "\($0)"]) }
        #expect(FlushPlan.truncated(alerts, maxAlerts: 0).truncated == 0)
        #expect(FlushPlan.truncated(alerts, maxAlerts: 5).alerts == alerts)
        let cut = FlushPlan.truncated(alerts, maxAlerts: 2)
        #expect(cut.alerts == Array(alerts.prefix(2)))
        #expect(cut.truncated == 3)
    }
}
