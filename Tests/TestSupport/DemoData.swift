// Tollgate — test support: the demo's metrics as OpenMetrics text, for the dashboards and the UI.

import Foundation

/// An hour and more of the demo's metrics: the seed API (`seed-api`, versions v1 and v2, v2
/// failing 5 % of its requests), node_exporter hosts, PostgreSQL, Redis, the seed's business
/// counters and YACE's CloudWatch series, every 15 s up to `end`. Names and labels are the
/// ones rules/*.yml and dashboards/*.json read.
///
/// ```swift
/// let body = DemoData.openMetrics(end: now)     // POST it to /api/v1/import/openmetrics
/// ```
public enum DemoData {
    /// The text; `minutes` of samples, `step` ms apart, the last at `end` (ms).
    public static func openMetrics(end: Int64, minutes: Int = 70, step: Int64 = 15_000) -> String {
        let count = Int(Int64(minutes) * 60_000 / step)
        let times = (0...count).map { end - Int64(count - $0) * step }
        var out = ""
        out.reserveCapacity(8 << 20)
        func family(_ name: String, _ series: [(labels: String, value: (Int, Double) -> Double)]) {
            for one in series {
                for (index, t) in times.enumerated() {
                    let seconds = Double(t) / 1000
                    let value = one.value(index, seconds - Double(times[0]) / 1000)
                    out += "\(name){\(one.labels)} \(format(value)) \(String(format: "%.3f", seconds))\n"
                }
            }
        }
        // A slow wave, so lines are not flat: 1 ± 0.2.
        func wave(_ elapsed: Double, _ phase: Double = 0) -> Double { 1 + 0.2 * sin(elapsed / 600 + phase) }

        let api = [("seed-api-1:8080", "v1", 0.0), ("seed-api-2:8080", "v2", 0.05)]
        let routes = [("/accounts", 6.0), ("/sync", 3.0)]
        var requests: [(labels: String, value: (Int, Double) -> Double)] = []
        var buckets: [(labels: String, value: (Int, Double) -> Double)] = []
        var counts: [(labels: String, value: (Int, Double) -> Double)] = []
        var sums: [(labels: String, value: (Int, Double) -> Double)] = []
        for (instance, version, errorShare) in api {
            for (route, rate) in routes {
                let base = #"job="seed-api",instance="\#(instance)",service="seed-api",version="\#(version)",route="\#(route)""#
                let ok = rate * (1 - errorShare), failing = rate * errorShare + 0.01
                requests.append((base + #",code="200""#, { _, e in ok * e }))
                requests.append((base + #",code="500""#, { _, e in failing * e }))
                let slow = version == "v2" ? 1.6 : 1.0
                for (le, share) in [("0.05", 0.3), ("0.1", 0.55 / slow), ("0.25", 0.8 / slow), ("0.5", 0.97 / slow), ("1", 0.995), ("+Inf", 1.0)] {
                    buckets.append((base + #",le="\#(le)""#, { _, e in rate * share * e }))
                }
                counts.append((base, { _, e in rate * e }))
                sums.append((base, { _, e in rate * 0.12 * slow * e }))
            }
        }
        family("http_requests_total", requests)
        family("http_request_duration_seconds_bucket", buckets)
        family("http_request_duration_seconds_count", counts)
        family("http_request_duration_seconds_sum", sums)
        family("http_requests_in_flight", api.map { instance, version, _ in
            (#"job="seed-api",instance="\#(instance)",service="seed-api",version="\#(version)""#, { _, e in (4 * wave(e, version == "v2" ? 1 : 0)).rounded() })
        })

        let hosts = ["node-1:9100", "node-2:9100"]
        var up: [(labels: String, value: (Int, Double) -> Double)] = []
        for (job, instance) in [("seed-api", "seed-api-1:8080"), ("seed-api", "seed-api-2:8080"), ("node", hosts[0]), ("node", hosts[1]),
                                ("postgres", "db-1:9187"), ("redis", "cache-1:9121"), ("cloudwatch", "yace:5000")] {
            up.append((#"job="\#(job)",instance="\#(instance)""#, { _, _ in 1 }))
        }
        family("up", up)
        var cpu: [(labels: String, value: (Int, Double) -> Double)] = []
        for (index, host) in hosts.enumerated() {
            for mode in ["idle", "user", "system"] {
                let share = mode == "idle" ? 0.6 - 0.2 * Double(index) : 0.2 + 0.1 * Double(index)
                cpu.append((#"job="node",instance="\#(host)",cpu="0",mode="\#(mode)""#, { _, e in share * e }))
            }
        }
        family("node_cpu_seconds_total", cpu)
        family("node_memory_MemTotal_bytes", hosts.map { (#"job="node",instance="\#($0)""#, { _, _ in 8e9 }) })
        family("node_memory_MemAvailable_bytes", hosts.enumerated().map { index, host in (#"job="node",instance="\#(host)""#, { _, e in (3e9 - 1e9 * Double(index)) * wave(e) }) })
        family("node_filesystem_size_bytes", hosts.map { (#"job="node",instance="\#($0)",device="/dev/sda1",fstype="ext4",mountpoint="/""#, { _, _ in 1e11 }) })
        family("node_filesystem_avail_bytes", hosts.map { (#"job="node",instance="\#($0)",device="/dev/sda1",fstype="ext4",mountpoint="/""#, { _, e in 4e10 - e * 1e5 }) })
        family("node_network_receive_bytes_total", hosts.map { (#"job="node",instance="\#($0)",device="eth0""#, { _, e in 2e5 * e }) })
        family("node_network_transmit_bytes_total", hosts.map { (#"job="node",instance="\#($0)",device="eth0""#, { _, e in 1e5 * e }) })
        family("process_start_time_seconds", [(#"job="seed-api",instance="seed-api-1:8080""#, { _, _ in Double(times[0] / 1000) })])

        let db = #"job="postgres",instance="db-1:9187""#
        family("pg_up", [(db, { _, _ in 1 })])
        family("pg_stat_activity_count", [(db + #",datname="seed",state="active""#, { _, e in (20 * wave(e)).rounded() }), (db + #",datname="seed",state="idle""#, { _, _ in 10 })])
        family("pg_settings_max_connections", [(db, { _, _ in 100 })])
        family("pg_replication_lag_seconds", [(db, { _, e in 0.4 * wave(e, 2) })])
        family("pg_replication_is_replica", [(db, { _, _ in 1 })])

        let cache = #"job="redis",instance="cache-1:9121""#
        family("redis_up", [(cache, { _, _ in 1 })])
        family("redis_connected_clients", [(cache, { _, e in (40 * wave(e)).rounded() })])
        family("redis_config_maxclients", [(cache, { _, _ in 10000 })])
        family("redis_keyspace_hits_total", [(cache, { _, e in 90 * e })])
        family("redis_keyspace_misses_total", [(cache, { _, e in 10 * e })])
        family("redis_memory_used_bytes", [(cache, { _, e in 2e8 * wave(e) })])
        family("redis_memory_max_bytes", [(cache, { _, _ in 1e9 })])

        let seed = #"job="seed-api",instance="seed-api-1:8080",service="seed-api""#
        family("seed_syncs_total", [(seed + #",result="success""#, { _, e in 2 * e }), (seed + #",result="failure""#, { _, e in 0.04 * e })])
        family("seed_approvals_total", [(seed + #",decision="approved""#, { _, e in 0.5 * e }), (seed + #",decision="rejected""#, { _, e in 0.1 * e })])
        family("seed_account_reviews_pending", [(seed, { _, e in (30 * wave(e)).rounded() })])
        family("seed_account_review_oldest_pending_seconds", [(seed, { _, e in 3600 + e })])

        let yace = #"job="cloudwatch",instance="yace:5000",region="eu-west-1""#
        family("aws_applicationelb_request_count_sum", [(yace + #",dimension_LoadBalancer="app/seed-alb/0123456789abcdef""#, { _, e in 540 * wave(e) })])
        family("aws_applicationelb_target_response_time_average", [(yace + #",dimension_LoadBalancer="app/seed-alb/0123456789abcdef""#, { _, e in 0.12 * wave(e, 1) })])
        family("aws_applicationelb_httpcode_target_5_xx_count_sum", [(yace + #",dimension_LoadBalancer="app/seed-alb/0123456789abcdef""#, { _, e in (6 * wave(e)).rounded() })])
        family("aws_rds_database_connections_average", [(yace + #",dimension_DBInstanceIdentifier="seed-db""#, { _, e in 28 * wave(e) })])
        family("aws_elasticache_curr_connections_average", [(yace + #",dimension_CacheClusterId="seed-cache-001""#, { _, e in 41 * wave(e) })])
        family("aws_elasticache_cache_hits_sum", [(yace + #",dimension_CacheClusterId="seed-cache-001""#, { _, e in 5400 * wave(e) })])
        out += "# EOF\n"
        return out
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
    }
}
