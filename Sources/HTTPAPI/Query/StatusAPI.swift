// Tollgate — HTTPAPI: /api/v1/status/buildinfo, config, flags, runtimeinfo and tsdb.

import Foundation
import Model
import Storage

/// Renders ``StatusInfo`` and storage statistics in Prometheus's shapes.
enum StatusAPI {
    /// `/api/v1/status/buildinfo`.
    static func buildInfo(_ info: StatusInfo) -> APIResult {
        var json = JSONWriter()
        json.object { json in
            json.field("version", info.build.version)
            json.field("revision", info.build.revision)
            json.field("branch", info.build.branch)
            json.field("buildUser", info.build.buildUser)
            json.field("buildDate", info.build.buildDate)
            json.field("goVersion", info.build.goVersion)
        }
        return .success(json.bytes)
    }

    /// `/api/v1/status/config`: `{"yaml": "…"}`.
    static func config(_ info: StatusInfo) async -> APIResult {
        let text = await info.config()
        var json = JSONWriter()
        json.object { json in json.field("yaml", text) }
        return .success(json.bytes)
    }

    /// `/api/v1/status/flags`: name → value, names sorted as Go's maps are.
    static func flags(_ info: StatusInfo) -> APIResult {
        var json = JSONWriter()
        json.object { json in
            for (name, value) in info.flags.sorted(by: { $0.key < $1.key }) { json.field(name, value) }
        }
        return .success(json.bytes)
    }

    /// `/api/v1/status/runtimeinfo`, with Go-only facts at neutral values; `now` (ms) is its `serverTime`.
    static func runtimeInfo(_ info: StatusInfo, now: Int64) async -> APIResult {
        let reload = await info.reload()
        var json = JSONWriter()
        json.object { json in
            json.field("startTime", TargetsAPI.rfc3339(info.startTime))
            json.field("CWD", FileManager.default.currentDirectoryPath)
            json.field("hostname", ProcessInfo.processInfo.hostName)
            json.field("serverTime", Timestamp.rfc3339(milliseconds: now))
            json.key("reloadConfigSuccess")
            json.bool(reload?.successful ?? true)
            json.field("lastConfigTime", TargetsAPI.rfc3339(reload?.time ?? info.startTime))
            json.key("corruptionCount")
            json.integer(0)
            json.key("goroutineCount")
            json.integer(0)
            json.key("GOMAXPROCS")
            json.integer(ProcessInfo.processInfo.activeProcessorCount)
            json.key("GOMEMLIMIT")
            json.integer(Int.max)
            json.field("GOGC", "")
            json.field("GODEBUG", "")
            json.field("storageRetention", info.storageRetention)
        }
        return .success(json.bytes)
    }

    /// `/api/v1/status/tsdb?limit=N`: head statistics and the top-N cardinalities.
    static func tsdb(_ source: (any StorageStatusSource)?, form: APIForm) async -> APIResult {
        var limit = 10
        if let text = form["limit"], !text.isEmpty {
            guard let value = Int(text), value > 0 else { return .error(.badData, "limit must be a positive number") }
            limit = value
        }
        var stats: TSDBStats?
        var cardinality = TSDBCardinality()
        if let source {
            do {
                stats = try await source.stats()
            } catch {
                return .error(.internal, "error getting TSDB stats: \(error)")
            }
            cardinality = source.cardinality(limit: limit)
        }
        var json = JSONWriter()
        json.object { json in
            json.key("headStats")
            json.object { json in
                json.key("numSeries")
                json.integer(stats?.series ?? 0)
                json.key("numLabelPairs")
                json.integer(cardinality.labelPairCount)
                json.key("chunkCount")
                json.integer(stats?.headChunks ?? 0)
                json.key("minTime")
                json.raw(String(stats?.minTime ?? Int64.max))
                json.key("maxTime")
                json.raw(String(stats?.maxTime ?? Int64.min))
            }
            for (name, entries) in [
                ("seriesCountByMetricName", cardinality.seriesCountByMetricName),
                ("labelValueCountByLabelName", cardinality.labelValueCountByLabelName),
                ("memoryInBytesByLabelName", cardinality.memoryInBytesByLabelName),
                ("seriesCountByLabelValuePair", cardinality.seriesCountByLabelValuePair),
            ] {
                json.key(name)
                json.array { json in
                    for entry in entries {
                        json.object { json in
                            json.field("name", entry.name)
                            json.key("value")
                            json.integer(entry.value)
                        }
                    }
                }
            }
        }
        return .success(json.bytes)
    }
}
