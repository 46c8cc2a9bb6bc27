// Tollgate — scale-out on real servers: Tollgate remote-writing into VictoriaMetrics and
// Prometheus 2.42, Prometheus 2.42 remote-writing into Tollgate, /api/v1/write's answers, /federate.

import Foundation
import Model
import RemoteWrite
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(.serialized)
final class ScaleOutTests: Sendable {
    let scratch = TemporaryDirectories()

    static func post(_ port: Int, _ path: String, _ body: [UInt8], headers: [String: String] = [:]) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)  // Safe to force unwrap: a fixed, valid URL.
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func get(_ port: Int, _ path: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)  // Safe to force unwrap: a fixed, valid URL.
        return String(decoding: data, as: UTF8.self)
    }

    /// An instant query's vector as sorted "labels value" lines, comparable across servers.
    static func vector(_ port: Int, _ query: String, at time: Int64) async throws -> [String] {
        let escaped = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
        let body = try await get(port, "/api/v1/query?query=\(escaped)&time=\(Double(time) / 1000)")
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let data = object?["data"] as? [String: Any]
        let result = data?["result"] as? [[String: Any]] ?? []
        return result.map { entry in
            let metric = (entry["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let value = (entry["value"] as? [Any])?.last as? String ?? "?"
            return metric.joined(separator: ",") + " " + value
        }.sorted()
    }

    static var nowMilliseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test func theReceiverIsOffByDefaultAndAnswersLikePrometheus() async throws {
        let off = try RunningServer(dataDir: try scratch.make("cli").appendingPathComponent("data"))
        let (status, text) = try await Self.post(off.port, "/api/v1/write", WriteRequestCodec.encode([]))
        #expect(status == 404 && text.contains("--web.enable-remote-write-receiver"))
        #expect(off.stop() == 0)

        let server = try RunningServer(
            dataDir: try scratch.make("cli").appendingPathComponent("data"), extra: ["--web.enable-remote-write-receiver", "--web.max-remote-write-size", "4KB"])
        let t = Self.nowMilliseconds - 60_000
        let samples = (0..<10).map { RemoteSample(labels: Labels(["__name__": "rw_in", "i": "\($0)"]), t: t, v: Double($0)) }
        let (stored, empty) = try await Self.post(server.port, "/api/v1/write", WriteRequestCodec.encode(samples), headers: ["Content-Encoding": "snappy"])
        #expect(stored == 204 && empty.isEmpty)
        #expect(try await Self.vector(server.port, "rw_in", at: t).count == 10)
        let (bad, reason) = try await Self.post(server.port, "/api/v1/write", Array("plain text".utf8))
        #expect(bad == 400 && reason.contains("snappy"), "\(reason)")
        let older = [RemoteSample(labels: Labels(["__name__": "rw_in", "i": "0"]), t: t - 1_000, v: 5)]
        let (outOfOrder, why) = try await Self.post(server.port, "/api/v1/write", WriteRequestCodec.encode(older))
        #expect(outOfOrder == 400 && why.contains("out of order"), "\(why)")
        let (tooLarge, limit) = try await Self.post(server.port, "/api/v1/write", [UInt8](repeating: 0, count: 8_000))
        #expect(tooLarge == 413 && limit.contains("--web.max-remote-write-size"))
        let metrics = try await Self.get(server.port, "/metrics")
        #expect(metrics.contains(#"tollgate_http_api_rejected_requests_total{reason="max_remote_write_bytes"} 1"#))
        #expect(server.stop() == 0)
    }

    @Test func federateAnswersTheNewestSamplesWithExternalLabels() async throws {
        let root = try scratch.make("cli")
        let config = root.appendingPathComponent("tollgate.yml")
        try "global: {external_labels: {dc: eu1}}\n".write(to: config, atomically: true, encoding: .utf8)
        let server = try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-remote-write-receiver", "--config.file", config.path])
        let t = Self.nowMilliseconds - 30_000
        let samples = [
            RemoteSample(labels: Labels(["__name__": "fed_b", "x": "1"]), t: t - 1_000, v: 1),
            RemoteSample(labels: Labels(["__name__": "fed_b", "x": "1"]), t: t, v: 2.5),
            RemoteSample(labels: Labels(["__name__": "fed_a", "dc": "own"]), t: t, v: 7),
            RemoteSample(labels: Labels(["__name__": "fed_c"]), t: t, v: 1),
        ]
        #expect(try await Self.post(server.port, "/api/v1/write", WriteRequestCodec.encode(samples)).0 == 204)
        let text = try await Self.get(server.port, "/federate?match%5B%5D=%7B__name__%3D~%22fed_a%7Cfed_b%22%7D")
        #expect(
            text == """
                # TYPE fed_a untyped
                fed_a{dc="own"} 7 \(t)
                # TYPE fed_b untyped
                fed_b{dc="eu1",x="1"} 2.5 \(t)

                """, "\(text)")
        let (_, refusal) = try await Self.getWithStatus(server.port, "/federate?match%5B%5D=%7B")
        #expect(refusal == 400)
        #expect(server.stop() == 0)
    }

    static func getWithStatus(_ port: Int, _ path: String) async throws -> (String, Int) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)  // Safe to force unwrap: a fixed, valid URL.
        return (String(decoding: data, as: UTF8.self), (response as? HTTPURLResponse)?.statusCode ?? 0)
    }

    /// Prometheus 2.42 scrapes Tollgate's /metrics and remote-writes into that Tollgate:
    /// the same instant query over every series it wrote answers the same on both.
    @Test(.enabled(if: PrometheusServer.binary != nil, "needs Debian's prometheus"))
    func prometheusRemoteWritesIntoTollgate() async throws {
        let root = try scratch.make("cli")
        let tollgate = try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-remote-write-receiver"])
        let prometheus = try await PrometheusServer.start(
            config: """
                global: {scrape_interval: 1s}
                scrape_configs:
                  - job_name: tg
                    static_configs: [{targets: ['127.0.0.1:\(tollgate.port)']}]
                remote_write:
                  - url: http://127.0.0.1:\(tollgate.port)/api/v1/write
                    queue_config: {batch_send_deadline: 200ms, min_backoff: 50ms}
                """, in: try scratch.make("prometheus"))
        defer { prometheus.stop() }
        // Prometheus replays its log and starts scraping some seconds after it is ready.
        for _ in 0..<150 {
            if try await !Self.vector(prometheus.port, #"up{job="tg"}"#, at: Self.nowMilliseconds).isEmpty { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(3))
        let time = Self.nowMilliseconds - 1_000
        var fromPrometheus: [String] = [], fromTollgate: [String] = []
        for _ in 0..<150 {
            fromPrometheus = try await Self.vector(prometheus.port, #"{job="tg"}"#, at: time)
            fromTollgate = try await Self.vector(tollgate.port, #"{job="tg"}"#, at: time)
            if !fromPrometheus.isEmpty && fromPrometheus == fromTollgate { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(!fromPrometheus.isEmpty)
        #expect(fromPrometheus == fromTollgate, "\(Set(fromPrometheus).symmetricDifference(fromTollgate).sorted().prefix(10))")
        #expect(tollgate.stop() == 0)
    }

    /// Every sample of `{job="fake"}` Tollgate stored up to `time`, by series text.
    static func stored(_ port: Int, at time: Int64) async throws -> [String: [(Int64, Double)]] {
        let query = #"{job="fake"}[10m]"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let body = try await get(port, "/api/v1/query?query=\(query)&time=\(Double(time) / 1000)")
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let result = (object?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        var series: [String: [(Int64, Double)]] = [:]
        for entry in result {
            let metric = entry["metric"] as? [String: String] ?? [:]
            let labels = metric.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
            let key = "\(metric["__name__"] ?? ""){\(labels.joined(separator: ","))}"
            series[key] = (entry["values"] as? [[Any]] ?? []).map { pair in
                (Int64(((pair.first as? NSNumber)?.doubleValue ?? 0) * 1000 + 0.5), Double(pair.last as? String ?? "") ?? .nan)
            }
        }
        return series
    }

    /// Tollgate scrapes the synthetic targets and remote-writes to VictoriaMetrics and to
    /// Prometheus 2.42 (receiver on); VictoriaMetrics is stopped for a while and restarted.
    /// Afterwards VictoriaMetrics holds every series and sample Tollgate stored (timestamps
    /// exact, values within its 12 significant digits), and Prometheus answers an instant
    /// query over all of them as Tollgate does.
    @Test(
        .enabled(
            if: VictoriaMetricsServer.binary != nil && PrometheusServer.binary != nil && Binary.shared != nil,
            "needs Debian's victoria-metrics and prometheus, and ../shared/tools/fake_targets.py"))
    func tollgateRemoteWritesIntoVictoriaMetricsAndPrometheusThroughAnOutage() async throws {
        let root = try scratch.make("cli")
        let vm = try await VictoriaMetricsServer(in: root.appendingPathComponent("vm"))
        defer { vm.stop() }
        let prometheus = try await PrometheusServer.start(config: "global: {}\n", in: try scratch.make("prometheus"), arguments: ["--web.enable-remote-write-receiver"])
        defer { prometheus.stop() }
        let targetPort = try freeLoopbackPort()
        let targets = Process()
        targets.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        targets.arguments = [
            try #require(Binary.shared).appendingPathComponent("tools/fake_targets.py").path, "--targets", "1", "--series-per-target", "300",
            "--port", "\(targetPort)", "--seconds", "90", "--step", "1",
        ]
        targets.standardOutput = FileHandle.nullDevice
        targets.standardError = FileHandle.nullDevice
        try targets.run()
        defer {
            // SIGKILL: the test process blocks SIGTERM and SIGINT, and its children inherit the mask.
            kill(targets.processIdentifier, SIGKILL)
            targets.waitUntilExit()
        }
        let config = root.appendingPathComponent("tollgate.yml")
        try """
            global: {scrape_interval: 1s}
            scrape_configs:
              - job_name: fake
                static_configs: [{targets: ['127.0.0.1:\(targetPort)']}]
            remote_write:
              - url: \(vm.writeURL)
                name: vm
                queue_config: {batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 500ms}
              - url: http://127.0.0.1:\(prometheus.port)/api/v1/write
                name: prometheus
                queue_config: {batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 500ms}
            """.write(to: config, atomically: true, encoding: .utf8)
        let tollgate = try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--config.file", config.path])
        try await Task.sleep(for: .seconds(4))
        vm.stop()
        try await Task.sleep(for: .seconds(4))
        try await vm.start()
        try await Task.sleep(for: .seconds(3))
        let time = Self.nowMilliseconds - 1_000

        let local = try await Self.stored(tollgate.port, at: time)
        #expect(local.count > 300, "Tollgate stored \(local.count) series")
        #expect(local.values.reduce(0) { $0 + $1.count } > 300 * 8)
        var remote: [String: [(Int64, Double)]] = [:]
        var missing = Int.max
        for _ in 0..<150 {
            remote = try await vm.export(#"{job="fake"}"#).mapValues { $0.filter { $0.0 <= time } }
            missing = local.reduce(0) { $0 + max(0, $1.value.count - (remote[$1.key]?.count ?? 0)) }
            if missing == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(missing == 0, "\(missing) samples are missing from VictoriaMetrics")
        #expect(Set(remote.keys) == Set(local.keys))
        var differing = 0
        for (key, samples) in local {
            let other = remote[key] ?? []
            let same = other.count == samples.count && zip(samples, other).allSatisfy { a, b in
                a.0 == b.0 && (a.1 == b.1 || abs(a.1 - b.1) <= 1e-11 * max(abs(a.1), abs(b.1)))
            }
            if !same { differing += 1 }
        }
        #expect(differing == 0, "\(differing) series differ between Tollgate and VictoriaMetrics")

        var fromPrometheus: [String] = [], fromTollgate: [String] = []
        for _ in 0..<150 {
            fromTollgate = try await Self.vector(tollgate.port, #"{job="fake"}"#, at: time)
            fromPrometheus = try await Self.vector(prometheus.port, #"{job="fake"}"#, at: time)
            if fromPrometheus == fromTollgate { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(fromTollgate.count > 300 && fromPrometheus == fromTollgate)
        let metrics = try await Self.get(tollgate.port, "/metrics")
        #expect(metrics.contains(#"prometheus_remote_storage_samples_total{remote_name="vm""#))
        #expect(metrics.contains(#"prometheus_remote_storage_samples_retried_total{remote_name="vm""#), "the outage was retried")
        #expect(tollgate.stop() == 0)
    }

    /// docs/scale-out.md's fleet: two Tollgates share four targets by `hashmod` on the
    /// address, each with its own external label, both writing to one VictoriaMetrics.
    /// Every target is scraped by exactly one of them, and VictoriaMetrics holds the union.
    @Test(
        .enabled(
            if: VictoriaMetricsServer.binary != nil && Binary.shared != nil,
            "needs Debian's victoria-metrics and ../shared/tools/fake_targets.py"))
    func twoHashmodShardsWriteTheUnionToOneStore() async throws {
        let root = try scratch.make("cli")
        let vm = try await VictoriaMetricsServer(in: root.appendingPathComponent("vm"))
        defer { vm.stop() }
        // Four consecutive ports for the synthetic targets' --mode ports.
        var base = 0
        for _ in 0..<20 {
            let candidate = try freeLoopbackPort()
            guard candidate < 65_000 else { continue }
            if (1...3).allSatisfy({ Self.isFree(candidate + $0) }) {
                base = candidate
                break
            }
        }
        try #require(base > 0)
        let targets = Process()
        targets.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        targets.arguments = [
            try #require(Binary.shared).appendingPathComponent("tools/fake_targets.py").path, "--targets", "4", "--series-per-target", "20",
            "--port", "\(base)", "--seconds", "60", "--step", "1",
        ]
        targets.standardOutput = FileHandle.nullDevice
        targets.standardError = FileHandle.nullDevice
        try targets.run()
        defer {
            kill(targets.processIdentifier, SIGKILL)
            targets.waitUntilExit()
        }
        let addresses = (0..<4).map { "'127.0.0.1:\(base + $0)'" }.joined(separator: ", ")
        var servers: [RunningServer] = []
        for shard in 0..<2 {
            let config = root.appendingPathComponent("tollgate-\(shard).yml")
            try """
                global: {scrape_interval: 1s, external_labels: {tollgate: '\(shard)'}}
                scrape_configs:
                  - job_name: fake
                    static_configs: [{targets: [\(addresses)]}]
                    relabel_configs:
                      - {source_labels: [__address__], modulus: 2, target_label: __tmp_hash, action: hashmod}
                      - {source_labels: [__tmp_hash], regex: '\(shard)', action: keep}
                remote_write:
                  - {url: '\(vm.writeURL)', queue_config: {batch_send_deadline: 200ms}}
                """.write(to: config, atomically: true, encoding: .utf8)
            servers.append(try RunningServer(dataDir: root.appendingPathComponent("data-\(shard)"), extra: ["--config.file", config.path]))
        }
        try await Task.sleep(for: .seconds(5))
        let time = Self.nowMilliseconds - 1_000
        let shards = try await servers.asyncMap { try await Self.vector($0.port, #"up{job="fake"}"#, at: time) }
        let instances = shards.map { Set($0.compactMap { line in line.split(separator: ",").first { $0.hasPrefix("instance=") }.map(String.init) }) }
        #expect(instances[0].count + instances[1].count == 4 && instances[0].isDisjoint(with: instances[1]), "\(instances)")
        var stored: [String: [(Int64, Double)]] = [:]
        for _ in 0..<150 {
            stored = try await vm.export(#"{__name__="up",job="fake"}"#)
            if stored.count == 4 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        // One `up` series per target, each under the external label of the one shard that scrapes it.
        #expect(stored.count == 4, "\(stored.keys.sorted())")
        for (shard, owned) in instances.enumerated() {
            for instance in owned {
                #expect(stored.keys.contains { $0.contains(instance.replacingOccurrences(of: "instance=", with: "instance=\"") + "\"") && $0.contains("tollgate=\"\(shard)\"") })
            }
        }
        for server in servers { #expect(server.stop() == 0) }
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
