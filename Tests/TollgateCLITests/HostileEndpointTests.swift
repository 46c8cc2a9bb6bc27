// Tollgate — the rules, alerts and guards endpoints under hostile input, beside normal requests.

import Foundation
import Model
import RemoteWrite
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class HostileEndpointTests: Sendable {
    let scratch = TemporaryDirectories()

    static let guards = """
        guards:
          - name: api
            checks:
              - name: error-ratio
                expr: max(up{job="$service",instance=~".*$version.*"})
                min: 1
        """

    /// Huge, binary, injecting and pathological parameters to `/api/v1/rules`, the guard
    /// decision endpoint, the notifier's `/api/v2`, `/probe` and the web UI's pages each get an answer (never a crash or a 5xx), while `/-/ready` and
    /// `/api/v1/rules` keep answering quickly.
    @Test func hostileParametersAreAnsweredAndTheServerStaysResponsive() async throws {
        let dir = try scratch.make("hostile")
        let port = try freeLoopbackPort()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("guards"), withIntermediateDirectories: true)
        try Data(Self.guards.utf8).write(to: dir.appendingPathComponent("guards/api.yml"))
        try Data("groups:\n  - name: g\n    interval: 1s\n    rules:\n      - alert: Up\n        expr: up == 1\n".utf8)
            .write(to: dir.appendingPathComponent("rules.yml"))
        let config = dir.appendingPathComponent("tollgate.yml")
        try Data("""
            global: {scrape_interval: 1s, evaluation_interval: 1s}
            rule_files: [rules.yml]
            guard_files: ['guards/*.yml']
            scrape_configs:
              - job_name: self
                static_configs: [{targets: ['127.0.0.1:\(port)']}]

            """.utf8).write(to: config)
        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("data"),
            extra: ["--config.file", config.path, "--web.listen-address", "127.0.0.1:\(port)", "--query.timeout", "4s"])
        try await Task.sleep(for: .seconds(2))

        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        let pathological = String(repeating: "(a*)*", count: 100) + "b"
        // A request line beyond the HTTP decoder's limit (1 MiB here) is refused by closing
        // the connection, without an answer (Prometheus answers 431): sent, but not counted below.
        let oversized = "/api/v1/guards/api/decision?service=" + escape(String(repeating: "x", count: 1 << 20)) + "&version=1"
        let hostile: [String] = [
            oversized,
            "/api/v1/guards/api/decision?service=%00%FF%FE%01&version=%C3%28",
            "/api/v1/guards/api/decision?service=" + escape("\"} or up{job=~\"" + pathological + "\"} or up{x=\"") + "&version=1",
            "/api/v1/guards/api/decision?service=self&version=" + escape(pathological),
            "/api/v1/guards/api/decision?service=self&version=" + escape(String(repeating: "(", count: 20_000)),
            "/api/v1/guards/" + String(repeating: "g", count: 100_000) + "/decision?service=a&version=b",
            "/api/v1/rules?" + (0..<5_000).map { "rule_name[]=r\($0)" }.joined(separator: "&"),
            "/api/v1/rules?type=" + escape(String(repeating: "\u{0}", count: 10_000)),
            "/api/v1/alerts?" + String(repeating: "a=", count: 20_000),
            // The built-in notifier's Alertmanager API v2: pathological, unclosed and binary filters.
            "/api/v2/alerts?filter=" + escape("alertname=~\"" + pathological + "\""),
            "/api/v2/alerts/groups?receiver=" + escape(pathological) + "&filter=" + escape(String(repeating: "{", count: 20_000)),
            "/api/v2/silences?" + (0..<5_000).map { "filter=" + escape("a=~\"(b*)*c\($0)\"") }.joined(separator: "&"),
            "/api/v2/alerts?active=%00%FF&filter=%C3%28",
            "/api/v2/silence/" + String(repeating: "f", count: 100_000),
            // blackbox_exporter's /probe (the default modules): huge, binary, malformed and nested targets.
            "/probe?module=http_2xx&target=" + escape(String(repeating: "x", count: 100_000)),
            "/probe?module=tcp_connect&target=%00%FF:%C3%28",
            "/probe?module=" + escape(String(repeating: "m", count: 100_000)) + "&target=x",
            "/probe?target=" + escape("http://[::1"),
            "/probe?module=http_2xx&target=" + escape("http://127.0.0.1:\(port)/probe?target=" + escape("http://127.0.0.1:\(port)/-/ready")),
            // The web UI: pathological and binary expressions, absurd ranges and steps, huge and injecting paths.
            "/ui/graph?expr=" + escape("up{job=~\"" + pathological + "\"}") + "&range=1h",
            "/ui/graph?expr=%00%FF%C3%28&range=" + escape(String(repeating: "9", count: 10_000)) + "&step=0",
            "/ui/graph?expr=up&range=100y&step=1ms",
            "/ui/" + String(repeating: "p", count: 100_000),
            "/ui/rollouts/" + escape("<script>alert(1)</script>"),
            "/ui/dashboards/" + escape("../../etc/passwd") + "?var-job=" + escape(pathological),
        ]
        let outcome = try await withThrowingTaskGroup(of: ([(Int, String)], [Double]).self) { group in
            for path in hostile {
                group.addTask {
                    let (status, _, _) = await StarvationTests.request(port, path)
                    return ([(status, String(path.prefix(60)))], [])
                }
            }
            group.addTask {
                var timings: [Double] = []
                try await Task.sleep(for: .milliseconds(200))
                for _ in 0..<6 {
                    let (readyStatus, _, ready) = await StarvationTests.request(port, "/-/ready", timeout: 10)
                    let (rulesStatus, rules, listing) = await StarvationTests.request(port, "/api/v1/rules", timeout: 10)
                    #expect(readyStatus == 200 && rulesStatus == 200 && rules.contains("\"Up\""))
                    timings += [ready, listing]
                    try await Task.sleep(for: .milliseconds(250))
                }
                return ([], timings)
            }
            var statuses: [(Int, String)] = [], timings: [Double] = []
            for try await (s, t) in group {
                statuses += s
                timings += t
            }
            return (statuses, timings)
        }
        #expect(outcome.0.count == hostile.count)
        // Each hostile request is answered (URLSession gives 0 when nothing came back); none is a 5xx.
        for (status, path) in outcome.0 where path != String(oversized.prefix(60)) {
            #expect((200..<500).contains(status), "\(path)…: status \(status)")
        }
        let sorted = outcome.1.sorted()
        #expect(sorted.count == 12)
        // Below the 4 s query timeout: a server held up by a hostile request (until that
        // timeout) slows both probes of a round, while the whole suite on two cores may slow
        // a free server's probes past a second (a full-suite run here: a median of 2.13 s).
        // One probe may be slower still.
        #expect(sorted[sorted.count / 2] < 2.5, "median probe: \(sorted)")
        // A held-up server slows every round it is held in; a loaded machine, a round or two
        // (full-suite runs here slowed three probes past 3 s with the median at 0.6 s, and
        // four, two rounds, with the median at 1.1 s).
        #expect(sorted.dropLast(4).allSatisfy { $0 < 3 }, "probes beside the hostile requests: \(sorted) s")
        // The server is still the one we started.
        #expect(server.process.isRunning)
        #expect(server.stop() == 0)
    }

    /// `POST /api/v1/write` with hostile bodies: random bytes, snappy blocks claiming
    /// gigabytes, protobuf with lying lengths and deep nesting, invalid UTF-8 and label names,
    /// extreme timestamps and values. Each is answered (400 or 413, or 204 for what is valid),
    /// never a 5xx or a crash, and the server keeps answering `/-/ready`.
    @Test func hostileRemoteWriteBodiesAreRefusedAndTheServerStaysUp() async throws {
        let dir = try scratch.make("hostile")
        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("data"), extra: ["--web.enable-remote-write-receiver", "--web.max-remote-write-size", "1MB"])
        var generator = SystemRandomNumberGenerator()
        let random = (0..<4_096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Varint lengths: 0xFFFFFFFF0F is 4 GiB.
        let hugeLength: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00, 0x01]
        // Field 1 (timeseries) claiming 2^31 bytes, then nothing.
        let lyingField: [UInt8] = [0x0A, 0x80, 0x80, 0x80, 0x80, 0x08]
        // Timeseries inside timeseries inside …: nested length-delimited fields 10,000 deep.
        var nested: [UInt8] = []
        for _ in 0..<10_000 { nested = [0x0A] + Self.varint(nested.count) + nested }
        let extreme = [
            RemoteSample(labels: Labels(["__name__": "hostile_extreme"]), t: .max, v: .infinity),
            RemoteSample(labels: Labels(["__name__": "hostile_extreme", "a": "b"]), t: .min, v: -.nan),
            RemoteSample(labels: Labels(["__name__": "hostile_extreme", "b": String(repeating: "v", count: 100_000)]), t: 0, v: 0),
        ]
        let bodies: [(String, [UInt8])] = [
            ("empty", []), ("random", random), ("snappy of random", Snappy.compress(random)),
            ("huge snappy length", hugeLength), ("lying protobuf length", Snappy.compress(lyingField)),
            ("deep nesting", Snappy.compress(nested)), ("over the limit", [UInt8](repeating: 0x41, count: 2 << 20)),
            ("invalid label name", WriteRequestCodec.encode([RemoteSample(labels: Labels(["__name__": "x", "bad-name": "v"]), t: 1, v: 1)])),
            ("invalid utf-8", Snappy.compress([0x0A, 0x0B, 0x0A, 0x09, 0x0A, 0x01, 0x61, 0x12, 0x04, 0xC3, 0x28, 0xFF, 0xFE])),
            ("extreme values", WriteRequestCodec.encode(extreme)),
            ("many series", WriteRequestCodec.encode((0..<20_000).map { RemoteSample(labels: Labels(["__name__": "hostile_many", "i": "\($0)"]), t: 1_000, v: 1) })),
        ]
        for (name, body) in bodies {
            let (status, text) = try await ScaleOutTests.post(server.port, "/api/v1/write", body)
            #expect([204, 400, 413].contains(status), "\(name): \(status) \(text.prefix(200))")
        }
        let started = ContinuousClock.now
        let (ready, _, _) = try await server.get("/-/ready")
        #expect(ready == 200 && ContinuousClock.now - started < .seconds(10))
        #expect(server.stop() == 0)
    }

    static func varint(_ value: Int) -> [UInt8] {
        var value = UInt64(value)
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }
}
