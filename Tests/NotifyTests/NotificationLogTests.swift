// Tollgate — Notify tests: the notification log (Alertmanager's `nflog`) and the dedup decision (`DedupStage.needsUpdate`).

import Notify
import Testing

@Suite struct NotificationLogTests {
    static let now: Int64 = 1_700_000_000_000
    static let minute: Int64 = 60_000
    static let key = NotificationLogKey(groupKey: #"{}:{alertname="A"}"#, receiver: "team", integration: "webhook", index: 1)

    static func entry(firing: [UInt64] = [], resolved: [UInt64] = [], timestamp: Int64) -> NotificationLogEntry {
        NotificationLogEntry(key: key, firing: firing, resolved: resolved, timestamp: timestamp, expiresAt: timestamp + 1)
    }

    // MARK: the log

    @Test func stateKeyAsAlertmanager() {
        #expect(Self.key.description == #"{}:{alertname="A"}:team/webhook/1"#)
    }

    @Test func logAndQuery() {
        var log = NotificationLog()
        #expect(log.entry(Self.key) == nil)
        let written = log.log(Self.key, firing: [3, 1], resolved: [2], now: Self.now)
        let entry = log.entry(groupKey: Self.key.groupKey, receiver: "team", integration: "webhook", index: 1)
        #expect(entry == written)
        #expect(entry?.firing == [3, 1])
        #expect(entry?.resolved == [2])
        #expect(entry?.timestamp == Self.now)
        #expect(entry?.expiresAt == Self.now + 120 * 3_600_000)
        #expect(entry?.key == Self.key)
        // Another index of the same kind is another entry.
        #expect(log.entry(groupKey: Self.key.groupKey, receiver: "team", integration: "webhook", index: 0) == nil)
    }

    /// `Log.Log`: the expiry is the retention, or the given expiry (2 × repeat_interval) when shorter.
    @Test func expiryIsTheShorterOfRetentionAndExpiry() {
        var log = NotificationLog(retention: 10 * Self.minute)
        #expect(log.log(Self.key, firing: [], resolved: [], now: Self.now, expiry: 4 * Self.minute)?.expiresAt == Self.now + 4 * Self.minute)
        #expect(log.log(Self.key, firing: [], resolved: [], now: Self.now, expiry: 40 * Self.minute)?.expiresAt == Self.now + 10 * Self.minute)
        #expect(log.log(Self.key, firing: [], resolved: [], now: Self.now, expiry: 0)?.expiresAt == Self.now + 10 * Self.minute)
    }

    /// `Log.Log`: an existing entry newer than now is kept.
    @Test func newerEntryIsKept() {
        var log = NotificationLog()
        log.log(Self.key, firing: [1], resolved: [], now: Self.now)
        #expect(log.log(Self.key, firing: [2], resolved: [], now: Self.now - 1) == nil)
        #expect(log.entry(Self.key)?.firing == [1])
        #expect(log.log(Self.key, firing: [3], resolved: [], now: Self.now)?.firing == [3])
    }

    /// `Log.GC` (`TestLogGC`): entries whose expiry is not after now go.
    @Test func garbageCollection() {
        var log = NotificationLog(retention: 10 * Self.minute)
        let other = NotificationLogKey(groupKey: "{}:{}", receiver: "team", integration: "slack", index: 0)
        log.log(Self.key, firing: [1], resolved: [], now: Self.now)
        log.log(other, firing: [2], resolved: [], now: Self.now + Self.minute)
        #expect(log.collectGarbage(now: Self.now + 10 * Self.minute - 1).isEmpty)
        let dropped = log.collectGarbage(now: Self.now + 10 * Self.minute)
        #expect(dropped.map(\.key) == [Self.key])
        #expect(log.entries.map(\.key) == [other])
        #expect(log.collectGarbage(now: Self.now + 11 * Self.minute).map(\.key) == [other])
        #expect(log.entries.isEmpty)
    }

    @Test func restoreKeepsTheNewestPerKey() {
        var log = NotificationLog()
        log.log(NotificationLogKey(groupKey: "gone", receiver: "r", integration: "email", index: 0), firing: [], resolved: [], now: Self.now)
        let older = Self.entry(firing: [1], timestamp: Self.now)
        let newer = Self.entry(firing: [2], timestamp: Self.now + 5)
        let other = NotificationLogEntry(
            key: NotificationLogKey(groupKey: "{}:{}", receiver: "a", integration: "slack", index: 0), firing: [], resolved: [9],
            timestamp: Self.now, expiresAt: Self.now + 1)
        log.restore([newer, other, older])
        #expect(log.entries == [newer, other])  // key order: `{}:{a…` sorts before `{}:{}`
    }

    @Test func subsets() {
        let entry = Self.entry(firing: [1, 2, 3], resolved: [4], timestamp: Self.now)
        #expect(entry.isFiringSubset([1, 3]))
        #expect(entry.isFiringSubset([]))
        #expect(!entry.isFiringSubset([3, 4]))
        #expect(entry.isResolvedSubset([4]))
        #expect(!entry.isResolvedSubset([1]))
    }

    // MARK: DedupStage.needsUpdate (`TestDedupStageNeedsUpdate`, notify/notify_test.go)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var entry: NotificationLogEntry?
        var firing: Set<UInt64> = []
        var resolved: Set<UInt64> = []
        var repeatMinutes: Int64 = 0
        var sendResolved = false
        var expected: Bool
        var decision: DedupDecision
        var testDescription: String { name }
    }

    static let now0 = now
    static let cases: [Case] = [
        Case(name: "No matching nflog entry should update", entry: nil, firing: [2, 3, 4], expected: true, decision: .firstNotification),
        Case(name: "No matching nflog entry shouldn't update if no alert fires", entry: nil, resolved: [2, 3, 4], expected: false, decision: .noUpdate),
        Case(name: "Different sets of firing alerts should update", entry: entry(firing: [1, 2, 3], timestamp: now0), firing: [2, 3, 4], expected: true,
             decision: .newFiringAlerts),
        Case(name: "Zero timestamp in the nflog entry should always update", entry: entry(firing: [1, 2, 3], timestamp: 0), firing: [1, 2, 3],
             expected: true, decision: .repeatIntervalElapsed),
        Case(name: "Identical sets of alerts shouldn't update before repeat_interval", entry: entry(firing: [1, 2, 3], timestamp: now0 - 9 * minute),
             firing: [1, 2, 3], repeatMinutes: 10, expected: false, decision: .noUpdate),
        Case(name: "Identical sets of alerts should update after repeat_interval", entry: entry(firing: [1, 2, 3], timestamp: now0 - 11 * minute),
             firing: [1, 2, 3], repeatMinutes: 10, expected: true, decision: .repeatIntervalElapsed),
        Case(name: "Different sets of resolved alerts without firing alerts shouldn't update after repeat_interval",
             entry: entry(resolved: [1, 2, 3], timestamp: now0 - 11 * minute), resolved: [3, 4, 5], repeatMinutes: 10, sendResolved: true,
             expected: false, decision: .noUpdate),
        Case(name: "Different sets of resolved alerts shouldn't update when resolve is false",
             entry: entry(firing: [1, 2], resolved: [3], timestamp: now0 - 9 * minute), firing: [1], resolved: [2, 3], repeatMinutes: 10,
             sendResolved: false, expected: false, decision: .noUpdate),
        Case(name: "Different sets of resolved alerts should update when resolve is true",
             entry: entry(firing: [1, 2], resolved: [3], timestamp: now0 - 9 * minute), firing: [1], resolved: [2, 3], repeatMinutes: 10,
             sendResolved: true, expected: true, decision: .newResolvedAlerts),
        Case(name: "Empty set of firing alerts should update when resolve is false",
             entry: entry(firing: [1, 2], resolved: [3], timestamp: now0 - 9 * minute), resolved: [1, 2, 3], repeatMinutes: 10,
             sendResolved: false, expected: true, decision: .allResolved),
        Case(name: "Empty set of firing alerts should update when resolve is true",
             entry: entry(firing: [1, 2], resolved: [3], timestamp: now0 - 9 * minute), resolved: [1, 2, 3], repeatMinutes: 10,
             sendResolved: true, expected: true, decision: .allResolved),
    ]

    @Test(arguments: cases)
    func dedupStageNeedsUpdate(_ c: Case) {
        let repeatInterval = c.repeatMinutes * Self.minute
        #expect(
            DedupDecision.needsUpdate(
                entry: c.entry, firing: c.firing, resolved: c.resolved, sendResolved: c.sendResolved, repeatInterval: repeatInterval, now: Self.now)
                == c.expected)
        #expect(
            DedupDecision(entry: c.entry, firing: c.firing, resolved: c.resolved, sendResolved: c.sendResolved, repeatInterval: repeatInterval, now: Self.now)
                == c.decision)
    }

    /// The repeat check is strict (`Timestamp.Before(now - repeat)`): exactly repeat_interval ago does not notify.
    @Test func repeatIntervalBoundaryIsStrict() {
        let entry = Self.entry(firing: [1], timestamp: Self.now - 10 * Self.minute)
        #expect(!DedupDecision.needsUpdate(entry: entry, firing: [1], resolved: [], sendResolved: true, repeatInterval: 10 * Self.minute, now: Self.now))
        #expect(DedupDecision.needsUpdate(entry: entry, firing: [1], resolved: [], sendResolved: true, repeatInterval: 10 * Self.minute, now: Self.now + 1))
    }

    /// Fewer firing alerts than last time (a subset) is not news; only repeat_interval re-notifies.
    @Test func fewerFiringAlertsIsNotNews() {
        let entry = Self.entry(firing: [1, 2], timestamp: Self.now - Self.minute)
        #expect(DedupDecision(entry: entry, firing: [1], resolved: [], sendResolved: false, repeatInterval: 60 * Self.minute, now: Self.now) == .noUpdate)
    }
}
