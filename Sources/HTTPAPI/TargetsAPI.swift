// Tollgate — HTTPAPI: /api/v1/targets and /api/v1/targets/metadata.

import Foundation
import Model
import Scrape

/// Renders the scrape manager's state in Prometheus's JSON shapes.
enum TargetsAPI {
    /// `/api/v1/targets?state=active|dropped|any&scrapePool=NAME`.
    static func targets(_ manager: any TargetSource, state: String?, pool: String?) async -> APIResult {
        let state = (state ?? "").lowercased()
        guard ["", "any", "active", "dropped"].contains(state) else {
            return .error(.badData, "invalid state \"\(state)\"; expected active, dropped or any")
        }
        let showActive = state != "dropped"
        let showDropped = state != "active"
        let active = showActive ? await manager.activeTargets(pool: pool) : []
        let dropped = showDropped ? await manager.droppedTargets(pool: pool) : []
        let counts = showDropped ? await manager.droppedTargetCounts() : nil
        var json = JSONWriter()
        json.object { json in
            json.key("activeTargets")
            json.array { json in
                for target in active { write(target, into: &json) }
            }
            json.key("droppedTargets")
            json.array { json in
                for target in dropped {
                    json.object { json in
                        json.field("discoveredLabels", target.discoveredLabels)
                        json.field("scrapePool", target.scrapePool)
                    }
                }
            }
            json.key("droppedTargetCounts")
            if let counts {
                json.object { json in
                    for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
                        json.key(name)
                        json.integer(count)
                    }
                }
            } else {
                json.null()
            }
        }
        return .success(json.bytes)
    }

    private static func write(_ target: ActiveTarget, into json: inout JSONWriter) {
        json.object { json in
            json.field("discoveredLabels", target.discoveredLabels)
            json.field("labels", target.labels)
            json.field("scrapePool", target.scrapePool)
            json.field("scrapeUrl", target.scrapeURL)
            json.field("globalUrl", target.scrapeURL)
            json.field("lastError", target.health.lastError)
            json.field("lastScrape", target.health.lastScrape.map(rfc3339) ?? "0001-01-01T00:00:00Z")
            json.key("lastScrapeDuration")
            json.number(target.health.lastScrapeDuration)
            json.field("health", target.health.health)
            json.field("scrapeInterval", target.scrapeInterval)
            json.field("scrapeTimeout", target.scrapeTimeout)
        }
    }

    /// `/api/v1/targets/metadata?match_target=SELECTOR&metric=NAME&limit=N`.
    static func metadata(_ manager: any TargetSource, matchTarget: String?, metric: String?, limit: String?) async -> APIResult {
        var matchers: [LabelMatcher] = []
        if let matchTarget, !matchTarget.isEmpty {
            do {
                matchers = try SeriesSelector.parse(matchTarget)
            } catch {
                return .error(.badData, "\(error)")
            }
        }
        var maximum: Int?
        if let limit, !limit.isEmpty {
            guard let value = Int(limit) else { return .error(.badData, "limit must be a number") }
            maximum = value
        }
        let entries = await manager.targetMetadata(matching: matchers, metric: metric.flatMap { $0.isEmpty ? nil : $0 }, limit: maximum)
        var json = JSONWriter()
        json.array { json in
            for entry in entries {
                json.object { json in
                    json.field("target", entry.target)
                    json.field("metric", entry.metric)
                    json.field("type", entry.type)
                    json.field("help", entry.help)
                    json.field("unit", entry.unit)
                }
            }
        }
        return .success(json.bytes)
    }

    /// `/api/v1/scrape_pools`.
    static func scrapePools(_ manager: any TargetSource) async -> APIResult {
        let pools = await manager.scrapePools
        var json = JSONWriter()
        json.object { json in
            json.key("scrapePools")
            json.array { json in
                for pool in pools { json.string(pool) }
            }
        }
        return .success(json.bytes)
    }

    /// RFC 3339 with nanoseconds, in UTC, as Go's `time.RFC3339Nano` writes it (trailing zeros trimmed).
    static func rfc3339(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = Int64(seconds.rounded(.down))
        let nanos = Int64(((seconds - Double(whole)) * 1e9).rounded())
        // Rounding may carry into the next second.
        return Timestamp.rfc3339(seconds: whole + nanos / 1_000_000_000, nanoseconds: nanos % 1_000_000_000)
    }
}
