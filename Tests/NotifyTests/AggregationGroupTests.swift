// Tollgate — Notify tests: one aggregation group's timer, inserts and flush outcomes (Alertmanager's `aggrGroup`).

import Model
import Notify
import Testing

@Suite struct AggregationGroupTests {
    /// `TestAggrGroup`'s options: group_wait 1s, group_interval 300ms, repeat_interval 1h.
    static let options: RouteOptions = {
        var options = RouteOptions.defaults
        options.receiver = "team"
        options.groupBy = ["a"]
        options.groupWait = PromDuration(milliseconds: 1_000)
        options.groupInterval = PromDuration(milliseconds: 300)
        options.repeatInterval = PromDuration(milliseconds: 3_600_000)
        return options
    }()
    static let t0: Int64 = 1_700_000_000_000

    static func alert(_ name: String, startsAt: Int64 = t0, endsAt: Int64 = 0, updatedAt: Int64 = t0) -> NotifierAlert {
        NotifierAlert(labels: Labels(["a": "v1", "b": name]), startsAt: startsAt, endsAt: endsAt, updatedAt: updatedAt)
    }

    static func group(now: Int64 = t0, generation: UInt64 = 7) -> AggregationGroup {
        AggregationGroup(id: GroupID(route: 0, groupKey: #"{}:{a="v1"}"#), labels: Labels(["a": "v1"]), options: options, now: now, generation: generation)
    }

    /// `TestAggrGroup`: the first flush comes `group_wait` after the group forms, later ones every `group_interval`.
    @Test func firstFlushAfterGroupWaitThenEveryGroupInterval() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("x"), now: t0)
        #expect(group.nextFlush == t0 + 1_000)
        #expect(!group.isDue(now: t0 + 999))
        #expect(group.isDue(now: t0 + 1_000))

        let first = group.flush(now: t0 + 1_000)
        #expect(first.now == t0 + 1_000)
        #expect(first.alerts.map(\.labels) == [Labels(["a": "v1", "b": "x"])])
        #expect(first.receiver == "team")
        #expect(first.groupKey == #"{}:{a="v1"}"#)
        #expect(first.generation == 7)
        #expect(group.hasFlushed)
        #expect(group.isFlushing)
        #expect(group.nextFlush == t0 + 1_300)
        group.finish(first, succeeded: true)
        #expect(!group.isFlushing)

        // An alert added to a group that has flushed waits for the next tick.
        group.insert(Self.alert("y", startsAt: t0 - 60_000), now: t0 + 1_100)
        #expect(group.nextFlush == t0 + 1_300)
        #expect(!group.isDue(now: t0 + 1_299))
        let second = group.flush(now: t0 + 1_300)
        #expect(second.alerts.count == 2)
        #expect(group.nextFlush == t0 + 1_600)
    }

    /// `aggrGroup.insert`: an alert that started more than `group_wait` ago flushes a group
    /// that has not flushed yet at once; exactly `group_wait` ago does not (`Before` is strict).
    @Test func oldAlertFlushesANewGroupAtOnce() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("edge", startsAt: t0 - 1_000), now: t0)
        #expect(group.nextFlush == t0 + 1_000)
        group.insert(Self.alert("old", startsAt: t0 - 1_001), now: t0)
        #expect(group.nextFlush == t0)
        #expect(group.isDue(now: t0))
    }

    @Test func oldAlertInAGroupThatStillWaitsFlushesAtInsertTime() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("new"), now: t0)
        group.insert(Self.alert("old", startsAt: t0 - 5_000), now: t0 + 400)
        #expect(group.nextFlush == t0 + 400)
    }

    /// The rule holds only until the first tick: afterwards old alerts wait for `group_interval`.
    @Test func oldAlertDoesNotHurryAGroupThatHasFlushed() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("x"), now: t0)
        let flush = group.flush(now: t0 + 1_000)
        group.finish(flush, succeeded: true)
        group.insert(Self.alert("old", startsAt: t0 - 3_600_000), now: t0 + 1_010)
        #expect(group.nextFlush == t0 + 1_300)
    }

    /// `aggrGroup.flush` + `DeleteIfNotModified`: after a successful notification the
    /// resolved alerts go, unless they were updated during the flush; firing ones stay.
    @Test func successfulFlushDeletesUnmodifiedResolvedAlerts() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("firing", endsAt: t0 + 600_000), now: t0)
        group.insert(Self.alert("resolved", endsAt: t0 + 500), now: t0)
        group.insert(Self.alert("refired", endsAt: t0 + 500), now: t0)
        let flush = group.flush(now: t0 + 1_000)
        // "refired" fires again while the notification is out: a new version in the group.
        group.insert(Self.alert("refired", endsAt: t0 + 900_000, updatedAt: t0 + 1_050), now: t0 + 1_050)
        group.finish(flush, succeeded: true)
        #expect(group.alerts.map { $0.labels["b"] ?? "" }.sorted() == ["firing", "refired"])
        #expect(group.alertsByFingerprint[Self.alert("refired").fingerprint]?.updatedAt == t0 + 1_050)
    }

    /// An alert resolved after the flush time counts as firing for that flush and stays.
    @Test func alertResolvingAfterTheFlushTimeStays() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("later", endsAt: t0 + 1_001), now: t0)
        let flush = group.flush(now: t0 + 1_000)
        group.finish(flush, succeeded: true)
        #expect(group.alerts.count == 1)
    }

    /// A failed notification keeps the resolved alerts for the next tick.
    @Test func failedFlushKeepsEverything() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("resolved", endsAt: t0 + 500), now: t0)
        let flush = group.flush(now: t0 + 1_000)
        group.finish(flush, succeeded: false)
        #expect(group.alerts.count == 1)
        #expect(!group.isFlushing)
        #expect(group.isDue(now: t0 + 1_300))
        let again = group.flush(now: t0 + 1_300)
        #expect(again.alerts == flush.alerts)
        group.finish(again, succeeded: true)
        #expect(group.isEmpty)
    }

    /// One flush at a time: while one is out the group is not due; a tick missed meanwhile fires on the report.
    @Test func noSecondFlushWhileOneIsOut() {
        let t0 = Self.t0
        var group = Self.group()
        group.insert(Self.alert("x"), now: t0)
        let flush = group.flush(now: t0 + 1_000)
        #expect(!group.isDue(now: t0 + 5_000))
        group.finish(flush, succeeded: true)
        #expect(group.isDue(now: t0 + 5_000))
    }

    @Test func reportOfAnotherIncarnationIsIgnored() {
        let t0 = Self.t0
        var group = Self.group(generation: 7)
        group.insert(Self.alert("resolved", endsAt: t0 + 500), now: t0)
        var flush = group.flush(now: t0 + 1_000)
        flush.generation = 6
        group.finish(flush, succeeded: true)
        #expect(group.isFlushing)
        #expect(group.alerts.count == 1)
    }

    @Test func removeAndSnapshot() {
        let t0 = Self.t0
        var group = Self.group()
        let x = Self.alert("x")
        let y = Self.alert("y")
        group.insert(y, now: t0)
        group.insert(x, now: t0)
        #expect(group.snapshot.alerts == [x, y].sorted { $0.fingerprint < $1.fingerprint })
        #expect(group.snapshot.receiver == "team")
        #expect(group.snapshot.labels == Labels(["a": "v1"]))
        group.remove(fingerprints: [x.fingerprint])
        #expect(group.alerts == [y])
        // Re-inserting replaces by fingerprint.
        var newer = y
        newer.annotations = Labels(["summary": "s"])
        group.insert(newer, now: t0 + 1)
        #expect(group.alerts == [newer])
    }
}
