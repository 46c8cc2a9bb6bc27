// Tollgate — Scrape: one scrape, from request to commit.

import CurlHTTP
import Exposition
import Foundation
import Logging
import CoreMetrics
import Model
import Storage
import TollgateConfig

/// Performs single scrapes of one target and appends the synthetic series.
struct Scraper {
    /// What one scrape did.
    struct Outcome {
        var health: TargetHealth
        /// The scrape was stopped by cancellation (the loop is stopping).
        var cancelled = false
    }

    private static let reportNames = [
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added",
    ]

    let target: ScrapeTarget
    let client: HTTPClient
    private let targetLabels: Labels
    private let reportLabels: [Labels]
    private var reportRefs: [SeriesRef?]

    init(target: ScrapeTarget, client: HTTPClient) {
        self.target = target
        self.client = client
        targetLabels = target.targetLabels
        reportLabels = Self.reportNames.map { SampleLabels.report($0, target: target.targetLabels) }
        reportRefs = Array(repeating: nil, count: Self.reportNames.count)
    }

    /// Scrapes once and commits one batch, its samples stamped `time` (the loop's aligned start).
    mutating func scrape(
        at time: Int64, settings: ScrapeSettings, forced: ScrapeError?, cache: inout ScrapeCache, storage: some Appendable, logger: Logger
    ) async -> Outcome {
        let started = ContinuousClock.now
        let wallStart = Date(timeIntervalSince1970: Double(time) / 1000)
        var appender = storage.appender()
        var counts = ScrapeCache.Counts()
        var failure: ScrapeError? = forced
        var cancelled = false
        if failure == nil {
            do throws(ScrapeError) {
                let request = try settings.request(for: target)
                let response: HTTPClient.Response
                do {
                    response = try await client.execute(request, sizeHint: cache.lastBodySize + cache.lastBodySize / 8)
                } catch {
                    if error == .cancelled { cancelled = true }
                    throw ScrapeError(Self.describe(error))
                }
                guard response.status == 200 else {
                    throw ScrapeError("server returned HTTP status \(response.status) \(HTTPStatusText.text(response.status))")
                }
                let format: ExpositionFormat
                do {
                    format = try ExpositionFormat.negotiate(contentType: response.header("content-type"), fallback: settings.fallback)
                } catch {
                    throw ScrapeError(error.description)
                }
                try cache.append(
                    body: response.body, format: format, time: time, settings: settings, targetLabels: targetLabels,
                    into: &appender, counts: &counts)
                // Parsed: its buffer serves a later scrape (a body that failed to parse is freed).
                client.recycle(consume response)
            } catch {
                failure = error
            }
        }
        if cancelled { return Outcome(health: TargetHealth(), cancelled: true) }
        if failure != nil {
            appender.rollback()
            cache.appendStaleMarkers(at: time, into: &appender)
        }
        let elapsed = (ContinuousClock.now - started).components
        let duration = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let values = [failure == nil ? 1 : 0, duration, Double(counts.scraped), Double(counts.postRelabel), Double(counts.seriesAdded)]
        appendReport(values, at: time, into: &appender)
        do {
            let result = try await appender.commit()
            cache.resolveReferences(storage, committed: appender.committedReferences)
            resolveReportReferences(storage)
            ScrapeMetrics.count(result)
            if result.rejected > 0 {
                logger.debug(
                    "samples rejected", metadata: ["target": "\(target.url)", "out_of_order": "\(result.outOfOrder)", "duplicate": "\(result.duplicate)"])
            }
        } catch {
            // A store that cannot write (a full disk) logs that once itself, not once per scrape.
            logger.log(
                level: error is StoreWriteFailure ? .debug : .error, "cannot store scrape",
                metadata: ["target": "\(target.url)", "error": "\(error)"])
            failure = failure ?? ScrapeError("storage: \(error)")
        }
        if let failure { ScrapeMetrics.count(failure, job: settings.config.jobName) }
        return Outcome(
            health: TargetHealth(
                health: failure == nil ? "up" : "down", lastError: failure?.description ?? "", lastScrape: wallStart,
                lastScrapeDuration: duration))
    }

    /// Stale markers for the synthetic series of a removed target.
    mutating func appendStaleReport(at time: Int64, into appender: inout some Appender) async {
        appendReport(Array(repeating: SampleValue.staleMarker, count: reportLabels.count), at: time, into: &appender)
    }

    private func appendReport(_ values: [Double], at time: Int64, into appender: inout some Appender) {
        for (index, value) in values.enumerated() {
            if let ref = reportRefs[index] {
                appender.append(ref, t: time, v: value)
            } else {
                appender.append(reportLabels[index], t: time, v: value)
            }
        }
    }

    private mutating func resolveReportReferences(_ storage: some Appendable) {
        let missing = reportRefs.indices.filter { reportRefs[$0] == nil }
        for (index, ref) in zip(missing, storage.refs(for: missing.map { reportLabels[$0] })) { reportRefs[index] = ref }
    }

    /// The client's error in the words a Prometheus user knows.
    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .timeout: "context deadline exceeded"
        case .bodyTooLarge: "body size limit exceeded"
        default: error.description
        }
    }
}

/// Go's `http.StatusText` for the codes a target answers with.
enum HTTPStatusText {
    static func text(_ code: Int) -> String {
        switch code {
        case 301: "Moved Permanently"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}

