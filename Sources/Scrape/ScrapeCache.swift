// Tollgate — Scrape: what a loop remembers between scrapes.

import Exposition
import Model
import Relabel
import Storage
import TollgateConfig

/// A target's series cache and staleness state, owned by its loop's task.
///
/// Raw series bytes map to an entry holding the stored series' reference (or the
/// decision that relabeling dropped it), so a scrape of known series builds no label
/// sets and looks nothing up in storage. Series appended by the last scrape but
/// missing from this one get a stale marker.
struct ScrapeCache {
    /// How many samples a scrape saw, kept and added.
    struct Counts {
        var scraped = 0
        var postRelabel = 0
        var seriesAdded = 0
    }

    private var keys = SeriesKeyTable()
    // One element per cached series, in parallel arrays so the hot path copies no label sets.
    /// The stored series' reference, once known (``resolved``); 8 bytes, where an optional
    /// reference took 16.
    private var refs: [SeriesRef] = []
    /// Whether each series' reference is known.
    private var resolved: [Bool] = []
    /// The stored labels (after target labels and metric relabeling) of the series whose
    /// reference the store has not given yet, by entry: the others need none.
    private var labels: [Int32: Labels] = [:]
    /// Whether metric relabeling dropped the series.
    private var dropped: [Bool] = []
    /// The scrape that last appended the series.
    private var lastSeen: [UInt32] = []
    private var iteration: UInt32 = 0
    /// Entries appended by the last successful scrape and tracked for staleness.
    private var previous: [Int32] = []
    private var current: [Int32] = []
    /// New entries whose reference is known only after the commit.
    private var unresolved: [Int32] = []
    /// The entry of each sample this batch appended by labels, in order (-1 for an entry
    /// dropped since): the commit gives their references in the same order.
    private var labelAppends: [Int32] = []
    /// References appended before the cache was reset, still owed a stale marker if they vanish.
    private var orphans: [SeriesRef] = []
    /// The metadata of the last successful scrape.
    private(set) var metadata = ExpositionMetadata()
    /// The size of the last body, to size the next buffer.
    var lastBodySize = 0

    /// Number of cached series.
    var count: Int { refs.count }

    /// Forgets cached labels (the label rules changed) but keeps owing stale markers.
    mutating func reset() {
        orphans += previous.compactMap { ref(Int($0)) }
        keys = SeriesKeyTable()
        refs = []
        resolved = []
        labels = [:]
        dropped = []
        lastSeen = []
        previous = []
        unresolved = []
        labelAppends = []
    }

    /// Parses a body and appends its samples.
    /// - Throws: ``ScrapeError`` for a parse error or an exceeded limit; the caller rolls back
    ///   and calls ``appendStaleMarkers(at:into:)``. `counts` holds what was seen until then.
    mutating func append(
        body: [UInt8], format: ExpositionFormat, time: Int64, settings: ScrapeSettings, targetLabels: Labels,
        into appender: inout some Appender, counts: inout Counts
    ) throws(ScrapeError) {
        iteration &+= 1
        current.removeAll(keepingCapacity: true)
        labelAppends.removeAll(keepingCapacity: true)
        let config = settings.config
        appender.reserveCapacity(byReference: previous.count + 8)
        var parser = ExpositionParser(bytes: body, format: format)
        var metadata = ExpositionMetadata()
        var sampleLimitExceeded = false
        var expected = 0
        do {
            while let entry = try parser.next(expecting: expected, in: keys) {
                guard entry == .sample else {
                    metadata.record(entry, from: parser)
                    continue
                }
                counts.scraped += 1
                let index: Int
                if parser.matchedExpected || keys.key(of: expected, equals: parser.seriesBytes) {
                    index = expected  // the same order as the last scrape: no hash lookup
                } else if let found = keys.find(parser.seriesBytes) {
                    index = found
                } else {
                    index = refs.count
                    let scraped = try parser.labels()
                    let stored = SampleLabels.mutate(scraped, target: targetLabels, honor: config.honorLabels, rules: config.metricRelabelConfigs)
                    if let stored { try SampleLabels.checkLimits(stored, config.limits) }
                    refs.append(SeriesRef(0))
                    resolved.append(false)
                    dropped.append(stored == nil)
                    lastSeen.append(0)
                    keys.insert(parser.seriesBytes)
                    if let stored {
                        labels[Int32(index)] = stored
                        unresolved.append(Int32(index))
                        counts.seriesAdded += 1
                    }
                }
                expected = index + 1
                guard !dropped[index] else {
                    lastSeen[index] = iteration  // still exposed: its entry stays (``dropUnseen()``)
                    continue
                }
                counts.postRelabel += 1
                if config.limits.sampleLimit > 0 && counts.postRelabel > config.limits.sampleLimit {
                    sampleLimitExceeded = true
                    continue
                }
                let explicit = config.honorTimestamps ? parser.timestamp : nil
                if resolved[index] {
                    appender.append(refs[index], t: explicit ?? time, v: parser.value)
                } else if let labels = labels[Int32(index)] {
                    appender.append(labels, t: explicit ?? time, v: parser.value)
                    labelAppends.append(Int32(index))
                }
                if (explicit == nil || config.trackTimestampsStaleness) && lastSeen[index] != iteration {
                    current.append(Int32(index))
                }
                lastSeen[index] = iteration
            }
        } catch let error as ExpositionError {
            throw ScrapeError("\(error)")
        } catch let error as ScrapeError {
            throw error
        } catch {
            throw ScrapeError("\(error)")
        }
        if sampleLimitExceeded { throw ScrapeError("sample limit exceeded") }
        for index in previous where lastSeen[Int(index)] != iteration {
            appendStale(Int(index), at: time, into: &appender)
        }
        if !orphans.isEmpty {
            let seen = Set(current.compactMap { ref(Int($0)) })
            for ref in orphans where !seen.contains(ref) { appender.append(ref, t: time, v: SampleValue.staleMarker) }
            orphans = []
        }
        swap(&previous, &current)
        dropUnseen()
        if counts.seriesAdded > 0 { keys.shrinkToFit() }
        self.metadata = metadata
        lastBodySize = body.count
    }

    /// The fewest entries a cache has before ``dropUnseen()`` looks at it.
    static let compactionFloor = 64

    /// Forgets the series this scrape did not see, once they are more than half the cache:
    /// a target whose series change (a `pod` or `version` label) would otherwise grow it for
    /// the life of the loop. Prometheus drops them after every scrape; dropping them in bulk
    /// rebuilds the key table once per half the cache's size of change. The entries kept keep
    /// their order (the next series is looked for at the next index first).
    private mutating func dropUnseen() {
        let seen = lastSeen.count { $0 == iteration }
        guard refs.count >= Self.compactionFloor, seen * 2 < refs.count else { return }
        var kept: [Int] = []
        kept.reserveCapacity(seen)
        var moved = [Int32](repeating: -1, count: refs.count)
        for index in refs.indices where lastSeen[index] == iteration {
            moved[index] = Int32(kept.count)
            kept.append(index)
        }
        keys = keys.keeping(kept)
        refs = kept.map { refs[$0] }
        resolved = kept.map { resolved[$0] }
        labels = Dictionary(uniqueKeysWithValues: labels.compactMap { index, labels in moved[Int(index)] >= 0 ? (moved[Int(index)], labels) : nil })
        dropped = kept.map { dropped[$0] }
        lastSeen = kept.map { lastSeen[$0] }
        previous = previous.compactMap { moved[Int($0)] >= 0 ? moved[Int($0)] : nil }
        unresolved = unresolved.compactMap { moved[Int($0)] >= 0 ? moved[Int($0)] : nil }
        // Positions stay: the commit's references come one per sample appended.
        labelAppends = labelAppends.map { $0 >= 0 ? moved[Int($0)] : -1 }
    }

    /// Ends every series the last scrape appended (a failed scrape, a removed target).
    mutating func appendStaleMarkers(at time: Int64, into appender: inout some Appender) {
        // The batch holds only these (a failed scrape's samples were rolled back).
        labelAppends.removeAll(keepingCapacity: true)
        for index in previous { appendStale(Int(index), at: time, into: &appender) }
        for ref in orphans { appender.append(ref, t: time, v: SampleValue.staleMarker) }
        previous = []
        orphans = []
    }

    private mutating func appendStale(_ index: Int, at time: Int64, into appender: inout some Appender) {
        if resolved[index] {
            appender.append(refs[index], t: time, v: SampleValue.staleMarker)
        } else if let labels = labels[Int32(index)] {
            appender.append(labels, t: time, v: SampleValue.staleMarker)
            labelAppends.append(Int32(index))
        }
    }

    /// The stored series' reference of entry `index`, once known.
    private func ref(_ index: Int) -> SeriesRef? { resolved[index] ? refs[index] : nil }

    /// After a commit: takes the references of series stored for the first time from the
    /// commit (`committed`: ``Storage/Appender/committedReferences``), and looks up those it
    /// did not give. A first scrape's lookups of thousands of label sets, each compared with
    /// the store's, were a tenth of the CPU of a store's first seconds.
    mutating func resolveReferences(_ storage: some Appendable, committed: [SeriesRef?] = []) {
        for (index, ref) in zip(labelAppends, committed) where index >= 0 {
            if let ref, !resolved[Int(index)] { resolve(Int(index), ref) }
        }
        labelAppends.removeAll(keepingCapacity: true)
        let open = unresolved.filter { !resolved[Int($0)] }
        let asked = open.compactMap { index in labels[index].map { (index, $0) } }
        var waiting = open.filter { labels[$0] == nil }
        // At once: a first scrape may ask for thousands, and each lookup holds the store.
        if !asked.isEmpty {
            for ((index, _), ref) in zip(asked, storage.refs(for: asked.map(\.1))) {
                guard let ref else {
                    waiting.append(index)
                    continue
                }
                resolve(Int(index), ref)
            }
        }
        unresolved = waiting
        // A dictionary keeps its room when emptied: a first scrape's 2,000 label sets left
        // about 40 bytes a series behind.
        if labels.isEmpty { labels = [:] }
    }

    /// Entry `index`'s series is stored under `ref`: appends go by reference from now on,
    /// and the store keeps the labels, once.
    private mutating func resolve(_ index: Int, _ ref: SeriesRef) {
        refs[index] = ref
        resolved[index] = true
        labels[Int32(index)] = nil
    }
}
