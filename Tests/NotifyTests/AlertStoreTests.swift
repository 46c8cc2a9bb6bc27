// Tollgate — Notify tests: the alert store (Alertmanager's API defaults, Alert.Merge, mem
// provider Put and GC) and the alert marker (types.MemMarker).

import Model
import Notify
import Testing

@Suite struct AlertStoreTests {
    let now: Int64 = 1_700_000_000_000
    let minute: Int64 = 60_000

    func alert(_ labels: [String: String] = ["alertname": "A"], startsAt: Int64, endsAt: Int64, updatedAt: Int64 = 0, timeout: Bool = false) -> NotifierAlert {
        NotifierAlert(labels: Labels(labels), startsAt: startsAt, endsAt: endsAt, updatedAt: updatedAt, timeout: timeout)
    }

    /// Alertmanager's `TestAlertMerge` (types/types_test.go): A is always older than B; the
    /// merge gives the same result both ways round.
    @Test func alertMergeCases() {
        let m = minute
        typealias Case = (a: NotifierAlert, b: NotifierAlert, result: NotifierAlert)
        let cases: [Case] = [
            // Both have the timeout flag: start from A, end from B.
            (alert(startsAt: now - 2 * m, endsAt: now + 2 * m, updatedAt: now, timeout: true),
             alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now + m, timeout: true),
             alert(startsAt: now - 2 * m, endsAt: now + 3 * m, updatedAt: now + m, timeout: true)),
            // A has the timeout flag, B has not: start from A, end from B.
            (alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now, timeout: true),
             alert(startsAt: now, endsAt: now + 2 * m, updatedAt: now + m),
             alert(startsAt: now - m, endsAt: now + 2 * m, updatedAt: now + m)),
            // A has no timeout flag, B has: start and end from A.
            (alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now),
             alert(startsAt: now, endsAt: now + 2 * m, updatedAt: now + m, timeout: true),
             alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now + m, timeout: true)),
            // Neither has the flag, neither resolved: start and end from A.
            (alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now),
             alert(startsAt: now, endsAt: now + 2 * m, updatedAt: now + m),
             alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now + m)),
            // Neither has the flag, neither resolved: start from A, end from B.
            (alert(startsAt: now - m, endsAt: now + 3 * m, updatedAt: now),
             alert(startsAt: now - m, endsAt: now + 4 * m, updatedAt: now + m),
             alert(startsAt: now - m, endsAt: now + 4 * m, updatedAt: now + m)),
            // A resolved, B not: start from A, end from B.
            (alert(startsAt: now - 3 * m, endsAt: now - m, updatedAt: now),
             alert(startsAt: now - 2 * m, endsAt: now + m, updatedAt: now + m),
             alert(startsAt: now - 3 * m, endsAt: now + m, updatedAt: now + m)),
            // B resolved, A not: end from B (a resolution is not undone by an older end).
            (alert(startsAt: now - 2 * m, endsAt: now + 3 * m, updatedAt: now),
             alert(startsAt: now - 2 * m, endsAt: now, updatedAt: now + m),
             alert(startsAt: now - 2 * m, endsAt: now, updatedAt: now + m)),
            // Both resolved: start from B, the later end (A's).
            (alert(startsAt: now - 3 * m, endsAt: now - m, updatedAt: now - m),
             alert(startsAt: now - 4 * m, endsAt: now - 2 * m, updatedAt: now + m),
             alert(startsAt: now - 4 * m, endsAt: now - m, updatedAt: now + m)),
        ]
        for (index, c) in cases.enumerated() {
            #expect(AlertStore.merge(c.a, c.b, now: now) == c.result, "case \(index)")
            #expect(AlertStore.merge(c.b, c.a, now: now) == c.result, "case \(index) reversed")
        }
    }

    /// The defaults of `postAlertsHandler`.
    @Test func putAppliesTheAPIDefaults() throws {
        var store = AlertStore(resolveTimeout: 5 * minute)
        let bare = NotifierAlert(labels: Labels(["alertname": "A", "empty": ""]), startsAt: 0)
        let stored = store.put([bare], now: now)
        let got = try #require(stored.first)
        #expect(got.labels == Labels(["alertname": "A"]))  // empty-valued label dropped
        #expect(got.startsAt == now)
        #expect(got.endsAt == now + 5 * minute)
        #expect(got.timeout)
        #expect(got.updatedAt == now)
        #expect(store.alert(got.fingerprint) == got)

        let endOnly = NotifierAlert(labels: Labels(["alertname": "B"]), startsAt: 0, endsAt: now - minute)
        let b = try #require(store.put([endOnly], now: now).first)
        #expect(b.startsAt == now - minute)
        #expect(b.endsAt == now - minute)
        #expect(!b.timeout)
        #expect(store.count == 2)
    }

    @Test func laterPostsMergeWhileTheyOverlap() throws {
        var store = AlertStore(resolveTimeout: 5 * minute)
        // A client posting without endsAt: the store gives it a timeout end.
        store.put([alert(startsAt: now - 10 * minute, endsAt: 0)], now: now)
        // The same alert again a minute later, with a later start: the first start stays.
        let again = try #require(store.put([alert(startsAt: now + minute, endsAt: 0)], now: now + minute).first)
        #expect(again.startsAt == now - 10 * minute)
        #expect(again.endsAt == now + 6 * minute)
        #expect(again.timeout)
        // An explicit resolution: the alert ends then, no longer from a timeout.
        let resolved = try #require(store.put([alert(startsAt: now - 10 * minute, endsAt: now + 2 * minute)], now: now + 2 * minute).first)
        #expect(resolved.endsAt == now + 2 * minute)
        #expect(!resolved.timeout)
        #expect(resolved.startsAt == now - 10 * minute)
        #expect(resolved.resolved(at: now + 2 * minute))
    }

    @Test func aNewEpisodeReplacesAResolvedOne() throws {
        var store = AlertStore(resolveTimeout: 5 * minute)
        store.put([alert(startsAt: now - 30 * minute, endsAt: now - 20 * minute)], now: now - 20 * minute)
        // Starts after the old one ended: no overlap, no merge.
        let fresh = try #require(store.put([alert(startsAt: now, endsAt: now + 4 * minute)], now: now).first)
        #expect(fresh.startsAt == now)
        #expect(store.count == 1)
    }

    @Test func batchesMergeInOrder() {
        var store = AlertStore(resolveTimeout: 5 * minute)
        let stored = store.put([alert(startsAt: now - minute, endsAt: now + 10 * minute), alert(startsAt: now, endsAt: now + 20 * minute)], now: now)
        #expect(stored.count == 2)
        #expect(stored[1].startsAt == now - minute)
        #expect(stored[1].endsAt == now + 20 * minute)
        #expect(store.alerts == [stored[1]])
    }

    /// `types.Alert.Validate`'s messages, after the handler's defaults.
    @Test func validationMessages() {
        let labels = Labels(["alertname": "A"])
        #expect(AlertStore.validate(NotifierAlert(labels: labels, startsAt: 0)) == "start time missing")
        #expect(AlertStore.validate(NotifierAlert(labels: labels, startsAt: now, endsAt: now - 1)) == "start time must be before end time")
        #expect(AlertStore.validate(NotifierAlert(labels: labels, startsAt: now, endsAt: now)) == nil)
        #expect(AlertStore.validate(NotifierAlert(labels: Labels(), startsAt: now)) == "at least one label pair required")
        let dotted = NotifierAlert(labels: Labels(["service.name": "x"]), startsAt: now)
        #expect(AlertStore.validate(dotted) == nil)  // 0.27's default mode takes UTF-8 names
        #expect(AlertStore.validate(dotted, names: .classic) == #"invalid label set: invalid name "service.name""#)
        let badAnnotation = NotifierAlert(labels: labels, annotations: Labels(["1st": "x"]), startsAt: now)
        #expect(AlertStore.validate(badAnnotation, names: .classic) == #"invalid annotations: invalid name "1st""#)
        #expect(AlertStore.validate(NotifierAlert(labels: Labels(["": "x"]), startsAt: now)) == #"invalid label set: invalid name """#)
    }

    @Test func postStoresTheValidAndReportsTheRest() {
        var store = AlertStore(resolveTimeout: 5 * minute)
        let outcome = store.post([
            alert(["alertname": "ok"], startsAt: 0, endsAt: 0),
            NotifierAlert(labels: Labels(["only": ""]), startsAt: now),  // no label left
            alert(["alertname": "backwards"], startsAt: now, endsAt: now - minute),
        ], now: now)
        #expect(outcome.stored.map { $0.labels["alertname"] } == ["ok"])
        #expect(outcome.errors == ["at least one label pair required", "start time must be before end time"])
        #expect(store.count == 1)
    }

    @Test func garbageCollectionDropsResolvedAlerts() {
        var store = AlertStore(resolveTimeout: 5 * minute)
        let stored = store.put([
            alert(["alertname": "firing"], startsAt: now, endsAt: now + 10 * minute),
            alert(["alertname": "ended"], startsAt: now - 10 * minute, endsAt: now),
            alert(["alertname": "timeout"], startsAt: 0, endsAt: 0),
        ], now: now)
        let result1 = store.collectGarbage(now: now)
        #expect(result1 == [stored[1].fingerprint])
        let result2 = store.collectGarbage(now: now + 5 * minute)
        #expect(result2 == [stored[2].fingerprint])
        #expect(store.alerts.map { $0.labels["alertname"] } == ["firing"])
    }

    @Test func restoreTakesAlertsAsTheyAre() {
        var store = AlertStore(resolveTimeout: 5 * minute)
        store.put([alert(["alertname": "old"], startsAt: now, endsAt: now + minute)], now: now)
        let persisted = [alert(["alertname": "x"], startsAt: now - minute, endsAt: now + minute, updatedAt: now - minute, timeout: true)]
        store.restore(persisted)
        #expect(store.alerts == persisted)
    }

    // MARK: - AlertMarker (types.MemMarker)

    @Test func markerStates() {
        var marker = AlertMarker()
        #expect(marker.status(1) == AlertStatus(state: .unprocessed))
        marker.setActive(1)
        #expect(marker.status(1).state == .active)
        marker.setSilenced(1, ids: ["b", "a"])
        #expect(marker.status(1) == AlertStatus(state: .suppressed, silencedBy: ["a", "b"]))
        marker.setInhibited(1, ids: [0xff, 0x1])
        #expect(marker.status(1).inhibitedBy == ["0000000000000001", "00000000000000ff"])
        marker.setSilenced(1, ids: [])
        #expect(marker.status(1).state == .suppressed)  // still inhibited
        marker.setInhibited(1, ids: [])
        #expect(marker.status(1) == AlertStatus(state: .active))
        marker.delete(1)
        #expect(marker.status(1).state == .unprocessed)
    }

    /// Alertmanager's `TestMemMarker_Count`.
    @Test func markerCounts() {
        var marker = AlertMarker()
        #expect(marker.count() == 0)
        marker.setSilenced(1, ids: [])
        #expect(marker.count(.active) == 1)
        marker.setSilenced(2, ids: ["1"])
        #expect(marker.count(.suppressed) == 1)
        marker.setSilenced(3, ids: ["1"])
        #expect(marker.count(.suppressed) == 2)
        marker.setSilenced(3, ids: [])
        #expect(marker.count(.active) == 2)
        #expect(marker.count() == 3)
    }
}
