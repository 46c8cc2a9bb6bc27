// Tollgate — TSDB: the label sets of series with data in a range, without reading samples.

import Foundation
import Model
import Storage
import TestSupport
import Testing

@testable import TSDB

final class SeriesLabelsTests: Sendable {
    let logs = LogCapture()
    /// This test's store, removed when it ends.
    let scratch = TemporaryDirectories()

    /// `old` has sealed samples only (0–9 s), `recent` sealed ones and a head chunk (0–24 s),
    /// `later` only head samples from 100 s; `other` is not selected.
    func store() async throws -> TSDB {
        var options = TSDB.Options()
        options.chunkSize = 4
        let db = try await TSDB.open(directory: try scratch.make("tsdb").path, logger: logs.logger, options: options)
        var appender = db.appender()
        for i in 0..<10 { appender.append(series("up", ["job": "old"]), t: Int64(i) * 1000, v: 1) }
        for i in 0..<25 { appender.append(series("up", ["job": "recent"]), t: Int64(i) * 1000, v: 1) }
        for i in 100..<102 { appender.append(series("up", ["job": "later"]), t: Int64(i) * 1000, v: 1) }
        appender.append(series("down"), t: 0, v: 1)
        _ = try await appender.commit()
        return db
    }

    @Test(arguments: [
        (0, 3_000, ["old", "recent"]),  // sealed chunks only
        (22_000, 30_000, ["recent"]),  // the head chunk
        (12_000, 13_000, ["recent"]),  // a sealed chunk of a series whose head is later
        (50_000, 60_000, []),  // a gap: nothing
        (0, 200_000, ["later", "old", "recent"]),
    ])
    func seriesWithSamplesInRange(_ minTime: Int64, _ maxTime: Int64, _ jobs: [String]) async throws {
        let db = try await store()
        let matchers = [try LabelMatcher(.equal, metricNameLabel, "up")]
        let labels = try await db.series(matchers, minTime: minTime, maxTime: maxTime)
        #expect(labels.map { $0["job"] ?? "" } == jobs)
        // The same answer as a full selection gives.
        let selected = try await db.select(matchers, minTime: minTime, maxTime: maxTime).map(\.labels)
        #expect(labels == selected)
    }
}

/// Label values that Swift's `String` calls equal (canonically equivalent) but whose bytes
/// differ are two series, as in Prometheus: the head's symbol table, postings and label
/// listings key them by bytes, through a restart too.
final class CanonicallyEquivalentLabelTests: Sendable {
    let logs = LogCapture()
    let scratch = TemporaryDirectories()

    @Test func composedAndDecomposedValuesAreTwoSeries() async throws {
        let composed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(composed == decomposed, "Swift's String equality is canonical")
        let directory = try scratch.make("tsdb").path
        for reopen in [false, true] {
            let db = try await TSDB.open(directory: directory, logger: logs.logger)
            if !reopen {
                var appender = db.appender()
                appender.append(series("drink", ["name": composed]), t: 1000, v: 1)
                appender.append(series("drink", ["name": decomposed]), t: 1000, v: 2)
                let result = try await appender.commit()
                #expect(result.newSeries == 2)
            }
            for (value, expected) in [(composed, 1.0), (decomposed, 2.0)] {
                let selected = try await db.select([try LabelMatcher(.equal, "name", value)], minTime: 0, maxTime: 2000)
                #expect(selected.count == 1, "restarted: \(reopen)")
                #expect(selected.first.map { Array(($0.labels["name"] ?? "").utf8) } == Array(value.utf8))
                #expect(selected.first?.values == [expected])
            }
            #expect(db.labelValues("name").map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
                == [Array(composed.utf8), Array(decomposed.utf8)].sorted { $0.lexicographicallyPrecedes($1) })
            try await db.close()
        }
    }
}
