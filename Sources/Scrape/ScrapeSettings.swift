// Tollgate — Scrape: a job's configuration turned into requests.

import CurlHTTP
import Exposition
import TollgateConfig

/// What every loop of a job needs from the job's configuration, prepared once per
/// (re)load: the Accept header, the fallback parser, and how to build a request.
struct ScrapeSettings: Sendable, Equatable {
    let config: ScrapeConfig
    let acceptHeader: String
    let fallback: ExpositionFormat?
    let userAgent: String

    init(config: ScrapeConfig, userAgent: String) {
        self.config = config
        self.userAgent = userAgent
        acceptHeader = Self.acceptHeader(config.scrapeProtocols)
        fallback = config.fallbackProtocol.map { [.openMetrics1, .openMetrics0].contains($0) ? .openMetrics : .text }
    }

    /// Whether cached series labels stay valid under `other` (the same label rules and limits).
    func keepsSeriesCache(_ other: ScrapeSettings) -> Bool {
        config.honorLabels == other.config.honorLabels && config.metricRelabelConfigs == other.config.metricRelabelConfigs
            && config.limits.labelLimit == other.config.limits.labelLimit
            && config.limits.labelNameLengthLimit == other.config.limits.labelNameLengthLimit
            && config.limits.labelValueLengthLimit == other.config.limits.labelValueLengthLimit
    }

    /// Prometheus 3.x's Accept header: the protocols in order with falling weights, then anything.
    static func acceptHeader(_ protocols: [ScrapeConfig.ScrapeProtocol]) -> String {
        var weight = 6  // one more than the protocols Prometheus knows, protobuf included
        var values: [String] = []
        for scrapeProtocol in protocols {
            var value: String
            switch scrapeProtocol {
            case .openMetrics1: value = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8"
            case .openMetrics0: value = "application/openmetrics-text;version=0.0.1"
            case .prometheusText1: value = "text/plain;version=1.0.0;escaping=allow-utf-8"
            case .prometheusText0: value = "text/plain;version=0.0.4"
            }
            value += ";q=0.\(weight)"
            values.append(value)
            weight -= 1
        }
        values.append("*/*;q=0.\(weight)")
        return values.joined(separator: ",")
    }

    /// The request for one scrape of `target`: the job's `http_config` through
    /// ``HTTPClientConfig/request(url:)`` (secret files are read now, as Prometheus does),
    /// then the scrape's own timeout, body limit, compression and headers.
    /// - Throws: a message naming the secret and the file when a secret file cannot be read.
    func request(for target: ScrapeTarget) throws(ScrapeError) -> HTTPClient.Request {
        var request: HTTPClient.Request
        do {
            request = try config.http.request(url: target.url)
        } catch {
            throw ScrapeError(error.description)
        }
        request.timeoutMilliseconds = Int(target.timeout)
        request.maxBodySize = Int(config.limits.bodySizeLimit)
        request.acceptEncoding = config.enableCompression ? "gzip" : nil
        request.headers.append(("Accept", acceptHeader))
        request.headers.append(("User-Agent", userAgent))
        request.headers.append(("X-Prometheus-Scrape-Timeout-Seconds", Self.seconds(target.timeout)))
        return request
    }

    /// Go's `strconv.FormatFloat(seconds, 'f', -1, 64)` for whole milliseconds.
    static func seconds(_ milliseconds: Int64) -> String {
        let whole = milliseconds / 1000, fraction = milliseconds % 1000
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction + 1000).dropFirst()
        while digits.hasSuffix("0") { digits = digits.dropLast() }
        return "\(whole).\(digits)"
    }
}

/// Why a scrape failed, in Prometheus's words where it has them.
public struct ScrapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message shown as the target's `lastError`.
    public var description: String
    init(_ description: String) { self.description = description }
}
