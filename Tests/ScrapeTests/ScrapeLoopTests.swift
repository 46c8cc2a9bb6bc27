// Tollgate — scraping real HTTP targets on loopback into a real store.

import Foundation
import Logging
import Model
import Storage
import TSDB
import TestSupport
import Testing
import TollgateConfig

@testable import Scrape

/// Each test runs a target server and a manager scraping it every 200 ms.
@Suite(.serialized) final class ScrapeLoopTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    static func config(_ jobs: String) throws -> TollgateConfig {
        try TollgateConfig(yaml: "global: {scrape_interval: 200ms, scrape_timeout: 150ms}\nscrape_configs:\n" + jobs, file: "test.yml")
    }

    static func manager(_ storage: TSDB, clock: any MillisecondClock = SystemClock()) throws -> ScrapeManager {
        var options = ScrapeManager.Options()
        options.userAgent = "Tollgate/test"
        options.fileCheckInterval = .milliseconds(100)
        let manager = try ScrapeManager(storage: storage, logger: Logger(label: "test"), options: options, clock: clock)
        // The manager's loops run in its own task group; `stop()` ends it.
        Task { try await manager.run() }
        return manager
    }

    @Test func storesSamplesTargetLabelsAndSyntheticSeries() async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "# HELP a_total A counter.\n# TYPE a_total counter\na_total{path=\"/x\"} 1\nb 2\n")
        let manager = try Self.manager(tsdb)
        await manager.apply(try Self.config("  - job_name: t\n    metrics_path: /m\n    static_configs: [{targets: ['\(server.address)']}]\n"))
        let up = try await tsdb.waitFor("up{job=\"t\"}") { $0.first?.values.count ?? 0 >= 2 }
        #expect(up.first?.labels == Labels(["__name__": "up", "instance": server.address, "job": "t"]))
        #expect(up.first?.values.allSatisfy { $0 == 1 } == true)
        let a = try await tsdb.samples("a_total")
        #expect(a.first?.labels == Labels(["__name__": "a_total", "instance": server.address, "job": "t", "path": "/x"]))
        let scraped = try await tsdb.samples("scrape_samples_scraped")
        #expect(scraped.first?.values.first == 2)
        let added = try await tsdb.samples("scrape_series_added")
        #expect(added.first?.values.prefix(2) == [2, 0], "series are new only on the first scrape")
        let duration = try await tsdb.samples("scrape_duration_seconds")
        // Seconds, and within the scrape timeout (10 s): not a speed check, the suite runs loaded.
        #expect(duration.first.map { $0.values.allSatisfy { $0 > 0 && $0 < 10 } } == true)
        // Every series of one scrape shares the scrape's timestamp.
        #expect(a.first?.timestamps.first == up.first?.timestamps.first)

        let request = try #require(try await server.requests("/m").first)
        #expect(request["accept"] == ScrapeSettings.acceptHeader(ScrapeConfig.ScrapeProtocol.allCases))
        #expect(request["user-agent"] == "Tollgate/test")
        #expect(request["x-prometheus-scrape-timeout-seconds"] == "0.15")
        #expect(request["accept-encoding"] == "gzip")

        let targets = await manager.activeTargets()
        #expect(targets.count == 1 && targets.first?.health.health == "up" && targets.first?.health.lastError == "")
        let metadata = await manager.targetMetadata(matching: [], metric: "a_total", limit: nil)
        #expect(metadata.first.map { ($0.type, $0.help) } ?? ("", "") == ("counter", "A counter."))
        await manager.stop()
    }

    @Test func vanishedSeriesAndRemovedTargetsGetStaleMarkers() async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "keep 1\ngo 2\n")
        try await server.serve("/other", "other 1\n")
        let manager = try Self.manager(tsdb)
        let jobs = "  - job_name: a\n    metrics_path: /m\n    static_configs: [{targets: ['\(server.address)']}]\n"
        let other = "  - job_name: b\n    metrics_path: /other\n    static_configs: [{targets: ['\(server.address)']}]\n"
        await manager.apply(try Self.config(jobs + other))
        _ = try await tsdb.waitFor("go") { !($0.first?.values.isEmpty ?? true) }
        _ = try await tsdb.waitFor("other") { !($0.first?.values.isEmpty ?? true) }

        try await server.serve("/m", "keep 3\n")
        let gone = try await tsdb.waitFor("go") { $0.first.map { isStale($0.values.last ?? 0) } ?? false }
        #expect(gone.first?.values.dropLast().allSatisfy { $0 == 2 } == true, "a stale marker ends the series, nothing after it")
        let kept = try await tsdb.samples("keep")
        #expect(kept.first.map { !$0.values.contains(where: isStale) } == true)

        // Removing job b ends its series and its synthetic series; job a keeps its loop.
        let before = await manager.activeTargets(pool: "a").first?.health.lastScrape
        await manager.apply(try Self.config(jobs))
        let otherSamples = try await tsdb.samples("other")
        #expect(otherSamples.first.map { isStale($0.values.last ?? 0) } == true)
        let upB = try await tsdb.samples("up{job=\"b\"}")
        #expect(upB.first.map { isStale($0.values.last ?? 0) } == true)
        #expect(await manager.activeTargets().map(\.scrapePool) == ["a"])

        // Job a kept its loop and cache across the reload: no stale marker, no series added again.
        _ = try await tsdb.waitFor("up{job=\"a\"}") { ($0.first?.timestamps.count ?? 0) >= 8 }
        let upA = try #require(try await tsdb.samples("up{job=\"a\"}").first)
        #expect(!upA.values.contains(where: isStale))
        let addedA = try #require(try await tsdb.samples("scrape_series_added{job=\"a\"}").first)
        #expect(addedA.values.first == 2 && addedA.values.dropFirst().allSatisfy { $0 == 0 }, "\(addedA.values)")
        #expect(await manager.activeTargets(pool: "a").first?.health.lastScrape != before)
        await manager.stop()
    }

    @Test(arguments: [
        ("status", "server returned HTTP status 500 Internal Server Error"),
        ("timeout", "context deadline exceeded"),
        ("parse", "line 2, column 3: expected label name"),
        ("body", "body size limit exceeded"),
        ("samples", "sample limit exceeded"),
        ("labels", "label_limit exceeded (metric: m, number of labels: 5, limit: 4)"),
        ("content-type", "unsupported Content-Type"),
    ])
    func failedScrapesStoreUpZeroAndEndSeries(_ failure: String, _ message: String) async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "m{a=\"1\"} 1\nm{a=\"2\"} 2\n")
        let manager = try Self.manager(tsdb)
        let limits = "    body_size_limit: 100B\n    sample_limit: 2\n    label_limit: 4\n"
        await manager.apply(try Self.config("  - job_name: t\n    metrics_path: /m\n\(limits)    static_configs: [{targets: ['\(server.address)']}]\n"))
        _ = try await tsdb.waitFor("m") { $0.count == 2 }
        switch failure {
        case "status": try await server.serve("/m", "m 1\n", status: 500)
        case "timeout": try await server.serve("/m", "m{a=\"1\"} 1\n", delay: 0.5)
        case "parse": try await server.serve("/m", "m{a=\"1\"} 1\nm{=\"x\"} 2\n")
        case "body": try await server.serve("/m", String(repeating: "m{a=\"1\"} 1\n", count: 20))
        case "samples": try await server.serve("/m", "m{a=\"1\"} 1\nm{a=\"2\"} 2\nm{a=\"3\"} 3\n")
        case "labels": try await server.serve("/m", "m{a=\"1\",b=\"2\"} 1\n")
        default: try await server.serve("/m", "m{a=\"1\"} 1\n", contentType: "application/json")
        }
        let up = try await tsdb.waitFor("up") { $0.first?.values.last == 0 }
        #expect(up.first?.values.first == 1)
        let series = try await tsdb.samples("m")
        #expect(series.allSatisfy { isStale($0.values.last ?? 0) }, "every series ends: \(series.map(\.values))")
        #expect(series.allSatisfy { !$0.values.dropLast().contains(where: isStale) }, "a failed scrape stores none of its samples")
        // The loop records the target's health just after committing `up`: wait for it.
        var target = try #require(await manager.activeTargets().first)
        for _ in 0..<100 where target.health.health != "down" {
            try await Task.sleep(for: .milliseconds(50))
            target = try #require(await manager.activeTargets().first)
        }
        #expect(target.health.health == "down")
        #expect(target.health.lastError.contains(message), "lastError: \(target.health.lastError)")
        await manager.stop()
    }

    @Test func gzipAndOpenMetricsBodies() async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        let body = "# TYPE requests counter\nrequests_total{code=\"200\"} 7 1700000000.5\nrequests_created{code=\"200\"} 1.7e9\n# EOF\n"
        try await server.serve("/om", body, contentType: "application/openmetrics-text; version=1.0.0; charset=utf-8", gzip: true)
        let manager = try Self.manager(tsdb)
        await manager.apply(try Self.config("  - job_name: om\n    metrics_path: /om\n    static_configs: [{targets: ['\(server.address)']}]\n"))
        let samples = try await tsdb.waitFor("requests_total") { !$0.isEmpty }
        #expect(samples.first?.timestamps.first == 1_700_000_000_500, "the exposed timestamp is honored")
        #expect(samples.first?.values.first == 7)
        #expect(try await server.requests("/om").first?["accept-encoding"] == "gzip")
        await manager.stop()
    }

    @Test func honorLabelsAndMetricRelabeling() async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "fed{job=\"inner\",instance=\"i:1\"} 1\ngo_goroutines 9\n")
        let manager = try Self.manager(tsdb)
        let drop = "    metric_relabel_configs: [{source_labels: [__name__], regex: 'go_.*', action: drop}]\n"
        await manager.apply(try Self.config(
            "  - job_name: plain\n    metrics_path: /m\n\(drop)    static_configs: [{targets: ['\(server.address)']}]\n"
                + "  - job_name: honor\n    honor_labels: true\n    metrics_path: /m\n    static_configs: [{targets: ['\(server.address)']}]\n"))
        let fed = try await tsdb.waitFor("fed") { $0.count == 2 }
        #expect(Set(fed.map(\.labels)) == [
            Labels(["__name__": "fed", "job": "plain", "instance": server.address, "exported_job": "inner", "exported_instance": "i:1"]),
            Labels(["__name__": "fed", "job": "inner", "instance": "i:1"]),
        ])
        let goroutines = try await tsdb.waitFor("go_goroutines") { !$0.isEmpty }
        #expect(goroutines.map { $0.labels["job"] } == ["honor"], "metric relabeling dropped it from job plain")
        let postRelabel = try await tsdb.samples("scrape_samples_post_metric_relabeling{job=\"plain\"}")
        #expect(postRelabel.first?.values.first == 1)
        await manager.stop()
    }

    @Test func fileSDChangesAreFollowed() async throws {
        let server = try TargetServer()
        let (tsdb, directory) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "x 1\n")
        let file = directory.appendingPathComponent("targets.json")
        try #"[{"targets": ["\#(server.address)"], "labels": {"team": "a"}}]"#.write(to: file, atomically: true, encoding: .utf8)
        let manager = try Self.manager(tsdb)
        await manager.apply(try Self.config("  - job_name: f\n    metrics_path: /m\n    file_sd_configs: [{files: ['\(directory.path)/*.json']}]\n"))
        _ = try await tsdb.waitFor("x{team=\"a\"}") { !$0.isEmpty }
        try #"[{"targets": ["\#(server.address)"], "labels": {"team": "b"}}]"#.write(to: file, atomically: true, encoding: .utf8)
        _ = try await tsdb.waitFor("x{team=\"b\"}") { !$0.isEmpty }
        let old = try await tsdb.waitFor("x{team=\"a\"}") { $0.first.map { isStale($0.values.last ?? 0) } ?? false }
        #expect(old.count == 1)
        // A broken file keeps its last targets.
        try "[{targets: ".write(to: file, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(400))
        #expect(await manager.activeTargets().first?.labels["team"] == "b")
        await manager.stop()
    }

    /// file_sd sets `__meta_filepath`, so relabeling can use it; like every `__` label it is
    /// gone from the stored series.
    @Test func fileSDSetsMetaFilepath() async throws {
        let server = try TargetServer()
        let (tsdb, directory) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "x 1\n")
        let file = directory.appendingPathComponent("web.json")
        try #"[{"targets": ["\#(server.address)"]}]"#.write(to: file, atomically: true, encoding: .utf8)
        let manager = try Self.manager(tsdb)
        await manager.apply(try Self.config("""
              - job_name: f
                metrics_path: /m
                file_sd_configs: [{files: ['\(directory.path)/*.json']}]
                relabel_configs: [{source_labels: [__meta_filepath], regex: '.*/(.*)\\.json', target_label: source}]

            """))
        let x = try await tsdb.waitFor("x{source=\"web\"}") { !$0.isEmpty }
        #expect(x.first?.labels["__meta_filepath"] == nil)
        #expect(await manager.activeTargets().first?.discoveredLabels["__meta_filepath"] == file.path)
        await manager.stop()
    }

    @Test func targetLimitFailsEveryTargetOfTheJob() async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "x 1\n")
        let manager = try Self.manager(tsdb)
        let targets = "['\(server.address)', 'localhost:\(server.port)']"
        await manager.apply(try Self.config("  - job_name: t\n    metrics_path: /m\n    target_limit: 1\n    static_configs: [{targets: \(targets)}]\n"))
        _ = try await tsdb.waitFor("up") { $0.count == 2 && $0.allSatisfy { $0.values.last == 0 } }
        #expect(await manager.activeTargets().allSatisfy { $0.health.lastError == "target_limit exceeded (number of targets: 2, limit: 1)" })
        #expect(try await tsdb.samples("x").isEmpty)
        await manager.stop()
    }

    @Test func theInjectedClockStampsScrapes() async throws {
        let server = try TargetServer()
        let (tsdb, _) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "x 1\n")
        let start: Int64 = 1_700_000_000_000
        let clock = ManualClock(start)
        let manager = try Self.manager(tsdb, clock: clock)
        // 50 ms: below 100 ms no timestamp is aligned to its schedule, so the clock's time is stored as it is.
        await manager.apply(
            try Self.config(
                "  - job_name: t\n    metrics_path: /m\n    scrape_interval: 50ms\n    scrape_timeout: 50ms\n    static_configs: [{targets: ['\(server.address)']}]\n"))
        let first = try await tsdb.waitFor("up") { !($0.first?.timestamps.isEmpty ?? true) }
        #expect(first.first?.timestamps.first == start)
        clock.advance(by: 1000)
        let both = try await tsdb.waitFor("up") { ($0.first?.timestamps.count ?? 0) >= 2 }
        #expect(both.first?.timestamps.prefix(2) == [start, start + 1000])
        #expect(try await tsdb.samples("x").first?.timestamps.prefix(2) == [start, start + 1000])
        await manager.stop()
    }

    /// A scrape that starts at most 2 ms (or 1 % of a short interval) after its schedule is
    /// stamped with the schedule, as Prometheus aligns scrape timestamps; a later one, an early
    /// one (an injected clock) and any below 100 ms keep their own time.
    @Test func timestampsWithinTheToleranceTakeTheirSchedule() {
        let scheduled: Int64 = 1_700_000_000_000
        #expect(ScrapeLoop.timestamp(scheduled, scheduled: scheduled, interval: 15_000) == scheduled)
        #expect(ScrapeLoop.timestamp(scheduled + 1, scheduled: scheduled, interval: 15_000) == scheduled)
        #expect(ScrapeLoop.timestamp(scheduled + 2, scheduled: scheduled, interval: 2_000) == scheduled)
        #expect(ScrapeLoop.timestamp(scheduled + 3, scheduled: scheduled, interval: 15_000) == scheduled + 3)
        #expect(ScrapeLoop.timestamp(scheduled - 1, scheduled: scheduled, interval: 15_000) == scheduled - 1)
        #expect(ScrapeLoop.timestamp(scheduled + 1, scheduled: scheduled, interval: 150) == scheduled)
        #expect(ScrapeLoop.timestamp(scheduled + 2, scheduled: scheduled, interval: 150) == scheduled + 2)
        #expect(ScrapeLoop.timestamp(scheduled + 1, scheduled: scheduled, interval: 50) == scheduled + 1)
    }
}
