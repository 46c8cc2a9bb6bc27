// Tollgate — Notify tests: the silence store (Alertmanager's silence.Silences with the
// checks of POST /api/v2/silences) and the silencing step of the marker (Silencer.Mutes).

import Model
import Notify
import Testing

@Suite struct SilenceStoreTests {
    let start: Int64 = 1_700_000_000_000
    let minute: Int64 = 60_000

    /// Ids "id-1", "id-2", … in order.
    final class IDs: @unchecked Sendable {
        var next = 0
        func make() -> String {
            next += 1
            return "id-\(next)"
        }
    }

    func matchers(_ text: String) throws -> [LabelMatcher] { try AlertmanagerMatchers.parse(text) }

    func silence(_ m: String = #"a="b""#, id: String = "", startsAt: Int64, endsAt: Int64, comment: String = "") throws -> Silence {
        Silence(id: id, matchers: try matchers(m), startsAt: startsAt, endsAt: endsAt, updatedAt: 0, createdBy: "me", comment: comment)
    }

    func setError(_ store: inout SilenceStore, _ silence: Silence, now: Int64) -> SilenceError? {
        do {
            try store.set(silence, now: now) { "new" }
            return nil
        } catch {
            return error
        }
    }

    /// Alertmanager's `TestSilenceSet`, step by step (the version here changes on every
    /// change, where Alertmanager's changes only when a silence is added).
    @Test func silenceSetSequence() throws {
        var store = SilenceStore()
        let ids = IDs()
        let start1 = start

        // A silence with a fixed start in the future: pending, kept as given.
        let id1 = try store.set(try silence(startsAt: start1 + 2 * minute, endsAt: start1 + 5 * minute), now: start1, makeID: ids.make)
        #expect(id1 == "id-1")
        let expected1 = try silence(id: id1, startsAt: start1 + 2 * minute, endsAt: start1 + 5 * minute).with(updatedAt: start1)
        #expect(store.silence(id1) == expected1)

        // No start: it starts now.
        let start2 = start1 + minute
        let id2 = try store.set(try silence(startsAt: 0, endsAt: start2 + minute), now: start2, makeID: ids.make)
        let sil2 = try #require(store.silence(id2))
        #expect(sil2.startsAt == start2)
        #expect(sil2.updatedAt == start2)

        // Unchanged, and with a new comment: same id.
        let kept1 = try store.set(sil2, now: start2, makeID: ids.make)
        #expect(kept1 == id2)
        var sil4 = sil2
        sil4.comment = "c"
        let kept2 = try store.set(sil4, now: start2, makeID: ids.make)
        #expect(kept2 == id2)
        #expect(store.silence(id2)?.comment == "c")

        // A later end on the active silence: same id, updated in place.
        let start5 = start2 + minute
        var sil5 = sil4
        sil5.endsAt = start5 + 100 * minute
        let before = store.version
        let kept3 = try store.set(sil5, now: start5, makeID: ids.make)
        #expect(kept3 == id2)
        #expect(store.version != before)
        #expect(store.silence(id2) == sil5.with(updatedAt: start5))

        // Other matchers: a new silence; the old one expires now.
        let start6 = start5 + minute
        var sil6 = sil5
        sil6.matchers = try matchers(#"a="c""#)
        let id6 = try store.set(sil6, now: start6, makeID: ids.make)
        #expect(id6 != id2)
        #expect(store.silence(id2)?.endsAt == start6)
        #expect(store.silence(id2)?.state(at: start6) == .expired)
        let new6 = try #require(store.silence(id6))
        #expect(new6.startsAt == start6)
        #expect(new6.endsAt == start5 + 100 * minute)
        #expect(new6.comment == "c")

        // Re-posting the expired one with an earlier start: a new silence starting now.
        let start7 = start6 + minute
        var sil7 = sil5
        sil7.startsAt = start1
        sil7.endsAt = start1 + 5 * minute
        let id7 = try store.set(sil7, now: start7, makeID: ids.make)
        #expect(id7 != id2)
        #expect(store.silence(id7)?.startsAt == start7)
        #expect(store.silence(id2)?.endsAt == start6)  // untouched: already expired

        // An invalid update does not expire the original.
        var sil8 = try #require(store.silence(id7))
        sil8.matchers = []
        let error8 = setError(&store, sil8, now: start7 + 1)
        #expect(error8 == .invalid("invalid silence: at least one matcher required"))
        #expect(store.silence(id7)?.state(at: start7 + 2) == .active)
        #expect(store.count == 4)
    }

    /// `TestSilencesSetFail` and the API handler's checks.
    @Test func setFailures() throws {
        var store = SilenceStore()
        let unknown = setError(&store, try silence(id: "some_id", startsAt: start, endsAt: start + 5 * minute), now: start)
        #expect(unknown == .notFound)
        #expect(SilenceError.notFound.description == "silence not found")
        let empty = setError(&store, try silence(startsAt: start + minute, endsAt: start + minute), now: start)
        #expect(empty?.description == "Failed to create silence: start time must be before end time")
        let past = setError(&store, try silence(startsAt: start - 2 * minute, endsAt: start - minute), now: start)
        #expect(past?.description == "Failed to create silence: end time can't be in the past")
        let none = Silence(id: "", matchers: [], startsAt: start, endsAt: start + minute, updatedAt: 0, createdBy: "", comment: "")
        let noMatchers = setError(&store, none, now: start)
        #expect(noMatchers?.description == "invalid silence: at least one matcher required")
        #expect(store.count == 0)
    }

    /// `validateSilence`'s "at least one matcher must not match the empty string": only `=""`
    /// and regexes matching "" count as matching it; `!=` and `!~` never do.
    @Test(arguments: [
        (#"a="""#, false), (#"a=~".*""#, false), (#"a=~"", b=~"x*""#, false),
        (#"a=~".*", b="c""#, true), (#"a!="x""#, true), (#"a!~"x""#, true), (#"a=~".+""#, true),
    ])
    func emptyMatchingRule(text: String, valid: Bool) throws {
        var store = SilenceStore()
        let error = setError(&store, try silence(text, startsAt: start, endsAt: start + minute), now: start)
        if valid {
            #expect(error == nil)
        } else {
            #expect(error == .invalid("invalid silence: at least one matcher must not match the empty string"))
        }
    }

    @Test func invalidMatcherName() throws {
        var store = SilenceStore()
        let unnamed = Silence(id: "", matchers: [try LabelMatcher(.equal, "", "x")], startsAt: start, endsAt: start + minute, updatedAt: 0, createdBy: "", comment: "")
        let error = setError(&store, unnamed, now: start)
        #expect(error?.description == #"invalid silence: invalid label matcher 0: invalid label name """#)
    }

    /// `canUpdate`: which changes keep the id.
    @Test func updatesInPlaceOrReplace() throws {
        var store = SilenceStore()
        let ids = IDs()
        // Pending: a start still in the future keeps the id; a start in the past does not.
        let pending = try store.set(try silence(startsAt: start + 10 * minute, endsAt: start + 20 * minute), now: start, makeID: ids.make)
        var moved = try #require(store.silence(pending))
        moved.startsAt = start + 5 * minute
        let kept4 = try store.set(moved, now: start, makeID: ids.make)
        #expect(kept4 == pending)
        moved.startsAt = start - minute
        let replaced = try store.set(moved, now: start, makeID: ids.make)
        #expect(replaced != pending)
        #expect(store.silence(replaced)?.startsAt == start)  // a new silence starts no earlier than now
        // The pending original was expired by setting its start and end to now.
        #expect(store.silence(pending)?.startsAt == start)
        #expect(store.silence(pending)?.endsAt == start)

        // Active: a changed start replaces it, and the original ends now.
        let active = try store.set(try silence(#"x="y""#, startsAt: start, endsAt: start + 60 * minute), now: start, makeID: ids.make)
        var shifted = try #require(store.silence(active))
        shifted.startsAt = start + minute
        let now = start + 2 * minute
        let next = try store.set(shifted, now: now, makeID: ids.make)
        #expect(next != active)
        #expect(store.silence(active)?.endsAt == now)
        #expect(store.silence(active)?.startsAt == start)
    }

    @Test func expire() throws {
        var store = SilenceStore()
        let ids = IDs()
        let active = try store.set(try silence(startsAt: start, endsAt: start + 60 * minute), now: start, makeID: ids.make)
        let pending = try store.set(try silence(startsAt: start + 30 * minute, endsAt: start + 60 * minute), now: start, makeID: ids.make)
        let now = start + minute
        try store.expire(id: active, now: now)
        #expect(store.silence(active)?.endsAt == now)
        #expect(store.silence(active)?.startsAt == start)
        #expect(store.silence(active)?.updatedAt == now)
        try store.expire(id: pending, now: now)
        #expect(store.silence(pending)?.startsAt == now)
        #expect(store.silence(pending)?.endsAt == now)
        #expect(throws: SilenceError.alreadyExpired(id: active)) { try store.expire(id: active, now: now + 1) }
        #expect(SilenceError.alreadyExpired(id: "x").description == "silence x already expired")
        #expect(throws: SilenceError.notFound) { try store.expire(id: "nope", now: now) }
    }

    @Test func mutesListsActiveMatchingSilences() throws {
        var store = SilenceStore()
        let ids = IDs()
        let a = try store.set(try silence(#"job="api""#, startsAt: start, endsAt: start + 60 * minute), now: start, makeID: ids.make)
        let b = try store.set(try silence(#"job=~"a.*", env!="prod""#, startsAt: start, endsAt: start + 60 * minute), now: start, makeID: ids.make)
        let later = try store.set(try silence(#"job="api""#, startsAt: start + 30 * minute, endsAt: start + 60 * minute), now: start, makeID: ids.make)
        let labels = Labels(["job": "api"])
        #expect(store.mutes(labels, now: start + minute) == [a, b])  // env missing is "", not "prod"
        #expect(store.mutes(Labels(["job": "api", "env": "prod"]), now: start + minute) == [a])
        #expect(store.matching(labels, now: start + minute).pending == [later])
        #expect(store.mutes(labels, now: start + 45 * minute) == [a, b, later])
        #expect(store.mutes(labels, now: start + 60 * minute) == [a, b, later])  // the end is still included
        #expect(store.mutes(labels, now: start + 60 * minute + 1).isEmpty)
        #expect(store.all.map(\.id) == [a, b, later])
    }

    /// Alertmanager's GC: a silence goes once `endsAt + retention` is reached.
    @Test func garbageCollection() throws {
        var store = SilenceStore()
        let ids = IDs()
        let early = try store.set(try silence(startsAt: start, endsAt: start + minute), now: start, makeID: ids.make)
        let late = try store.set(try silence(startsAt: start, endsAt: start + 10 * minute), now: start, makeID: ids.make)
        let version = store.version
        let result3 = store.collectGarbage(now: start + 60 * minute, retention: 60 * minute)
        #expect(result3.isEmpty)
        #expect(store.version == version)
        let result4 = store.collectGarbage(now: start + 61 * minute, retention: 60 * minute)
        #expect(result4 == [early])
        #expect(store.version != version)
        let result5 = store.collectGarbage(now: start + 70 * minute + 120 * 3_600_000)
        #expect(result5 == [late])
        #expect(SilenceStore.defaultRetention == 432_000_000)
        #expect(store.count == 0)
    }

    @Test func restoreReplacesEverything() throws {
        var store = SilenceStore()
        try store.set(try silence(startsAt: start, endsAt: start + minute), now: start) { "gone" }
        let version = store.version
        let kept = try silence(id: "kept", startsAt: start, endsAt: start + minute).with(updatedAt: start)
        store.restore([kept])
        #expect(store.all == [kept])
        #expect(store.version != version)
    }

    /// The marker's silencing step (`Silencer.Mutes`): a cached answer is reused while the
    /// version stands, yet a pending silence that has become active is noticed.
    @Test func silencingStepCachesByVersion() throws {
        var store = SilenceStore()
        var marker = AlertMarker()
        let labels = Labels(["job": "api"])
        let fingerprint = NotifierAlert.fingerprint(labels)
        let result6 = marker.applySilences(labels, fingerprint: fingerprint, silences: store, now: start)
        #expect(!result6)
        #expect(marker.status(fingerprint).state == .active)

        let pending = try store.set(try silence(#"job="api""#, startsAt: start + 10 * minute, endsAt: start + 20 * minute), now: start) { "p" }
        let result7 = marker.applySilences(labels, fingerprint: fingerprint, silences: store, now: start)
        #expect(!result7)
        #expect(marker.silenceCache(fingerprint)?.pending == [pending])
        // Same version, later: the pending silence is now active.
        let result8 = marker.applySilences(labels, fingerprint: fingerprint, silences: store, now: start + 10 * minute)
        #expect(result8)
        #expect(marker.status(fingerprint) == AlertStatus(state: .suppressed, silencedBy: [pending]))
        // Expired by time alone, still the same version.
        let result9 = marker.applySilences(labels, fingerprint: fingerprint, silences: store, now: start + 20 * minute + 1)
        #expect(!result9)
        #expect(marker.status(fingerprint).state == .active)
    }
}

extension Silence {
    /// This silence with another `updatedAt`.
    func with(updatedAt: Int64) -> Silence {
        var copy = self
        copy.updatedAt = updatedAt
        return copy
    }
}
