// Tollgate — no request can starve the others: pathological queries beside normal ones.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends pathological requests (a regex that backtracking engines take minutes over, deep
/// nesting, a huge range at a tiny step, evaluations that run to their timeout, a huge body)
/// while probing `/-/ready` and a small query; the probes must keep answering within a
/// second each, and scraping must go on.
@Suite(.serialized) final class StarvationTests: Sendable {
    let scratch = TemporaryDirectories()

    /// One request; status, body and how long it took.
    static func request(_ port: Int, _ path: String, form: String? = nil, timeout: Double = 30) async -> (Int, String, Double) {
        guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return (0, "bad URL", 0) }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        if let form {
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(form.utf8)
        }
        let started = Date()
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self), Date().timeIntervalSince(started))
        } catch {
            return (0, "\(error)", Date().timeIntervalSince(started))
        }
    }

    static func encoded(_ query: String) -> String {
        "query=" + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    @Test func normalRequestsKeepAnsweringBesidePathologicalOnes() async throws {
        let dir = try scratch.make("cli")
        let port = try freeLoopbackPort()
        let config = dir.appendingPathComponent("tollgate.yml")
        try Data("global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ['127.0.0.1:\(port)']}]\n".utf8)
            .write(to: config)
        let server = try RunningServer(
            dataDir: dir.appendingPathComponent("data"),
            extra: ["--config.file", config.path, "--web.listen-address", "127.0.0.1:\(port)", "--query.timeout", "4s"])
        #expect(server.port == port)
        // A few scrapes first, so that the small query has data.
        try await Task.sleep(for: .seconds(2))

        let regex = "up{job=~\"" + String(repeating: "(a*)*", count: 100) + "b\"}"
        let pathological: [(String, String?)] = [
            ("/api/v1/query", Self.encoded(regex)),
            ("/api/v1/query", Self.encoded(String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000))),
            ("/api/v1/query_range?query=up&start=0&end=1800000000&step=0.001", nil),
            ("/api/v1/query", Self.encoded("count_over_time(vector(1)[3d:10ms])")),
            ("/api/v1/query", Self.encoded("count_over_time(vector(1)[3d:10ms])")),
            ("/api/v1/query", Self.encoded("sum(count_over_time(up[1d:1ms]))")),
            ("/api/v1/query", "query=" + String(repeating: "x", count: 12 << 20)),
        ]
        let (_, before, _) = await Self.request(port, "/api/v1/query?query=count_over_time(up[1h])")
        let probes = try await withThrowingTaskGroup(of: [(String, Double)].self) { group in
            for (path, form) in pathological {
                group.addTask {
                    _ = await Self.request(port, path, form: form)
                    return []
                }
            }
            group.addTask {
                var timings: [(String, Double)] = []
                try await Task.sleep(for: .milliseconds(300))  // the heavy requests are in
                for _ in 0..<8 {
                    let (readyStatus, _, ready) = await Self.request(port, "/-/ready", timeout: 10)
                    #expect(readyStatus == 200)
                    let (queryStatus, _, query) = await Self.request(port, "/api/v1/query?query=up", timeout: 10)
                    #expect(queryStatus == 200)
                    timings += [("/-/ready", ready), ("up", query)]
                    try await Task.sleep(for: .milliseconds(250))
                }
                return timings
            }
            var all: [(String, Double)] = []
            for try await part in group { all += part }
            return all
        }
        // The median probe answers within two seconds. Probes take longer while the whole
        // suite runs in parallel on two cores (a fresh-clone run saw a median of 1.13 s, most
        // probes under 1.6 s); a starved server (what this guards against) did not answer
        // within 10 s at all.
        let sorted = probes.map(\.1).sorted()
        #expect(sorted.count == 16)
        #expect(sorted[sorted.count / 2] < 2, "median probe: \(sorted)")
        // A quarter of the probes may be slow while the whole suite runs (two of 4 s and 6 s
        // beside a build; three of 3.2 to 5.5 s with the median at 0.3 s in a fresh-clone run);
        // a starved server slows them all.
        #expect(sorted.dropLast(4).allSatisfy { $0 < 3 }, "probes beside the pathological requests: \(probes)")
        // Scraping went on meanwhile: more samples of up than before.
        let (_, after, _) = await Self.request(port, "/api/v1/query?query=count_over_time(up[1h])")
        #expect(Self.count(after) > Self.count(before), "before: \(before), after: \(after)")
        #expect(server.stop() == 0)
    }

    /// The value of a one-sample vector answer.
    static func count(_ body: String) -> Double {
        guard let range = body.range(of: #""value":\[[0-9.]+,"[0-9.]+""#, options: .regularExpression) else { return 0 }
        return Double(body[range].split(separator: "\"").last ?? "") ?? 0
    }
}
