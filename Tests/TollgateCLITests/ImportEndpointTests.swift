// Tollgate — `POST /api/v1/import/openmetrics` on a real server: off by default, limited, all or nothing.

import Foundation
import Gzip
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class ImportEndpointTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    func post(_ server: RunningServer, _ body: String, gzip: Bool = false) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/api/v1/import/openmetrics")!)  // Safe to force unwrap: a fixed, valid URL.
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        if gzip {
            request.httpBody = Data(try Gzip.compress(Array(body.utf8)))
            request.setValue("gzip", forHTTPHeaderField: "Content-Encoding")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test func theEndpointIsOffWithoutTheAdminAPI() async throws {
        let root = try scratch.make("cli")
        let server = try RunningServer(dataDir: root.appendingPathComponent("data"))
        let (status, body) = try await post(server, "a 1 1\n# EOF\n")
        #expect(status == 500, "as Prometheus answers its disabled admin endpoints")
        #expect(body == #"{"status":"error","errorType":"unavailable","error":"admin APIs disabled"}"#)
        #expect(server.stop() == 0)
    }

    @Test func bodiesAreLimitedCountedAndCommittedWholeOrNotAtAll() async throws {
        let root = try scratch.make("cli")
        let server = try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-admin-api", "--web.max-import-size", "1KB"])

        // Recent samples (in seconds): retention would delete older ones, and the series with them
        // once it has left the head, so that posting them again would store them again.
        let now = Int(Date().timeIntervalSince1970)
        let (status, body) = try await post(server, "# TYPE a gauge\na 1 \(now - 2)\na 2 \(now - 1)\nb 5\n# EOF\n")
        #expect(status == 200)
        #expect(body == #"{"status":"success","data":{"seriesCreated":1,"samplesStored":2,"outOfOrder":0,"duplicate":0,"noTimestamp":1}}"#)
        let (_, again) = try await post(server, "a 1 \(now - 2)\na 3 \(now - 1)\n# EOF\n")
        #expect(again.contains(#""samplesStored":0,"outOfOrder":1,"duplicate":1"#), "\(again)")

        // A malformed body stores none of its samples, not even those before the error.
        let (badStatus, bad) = try await post(server, "c 1 10\nc{ 2 11\n# EOF\n")
        #expect(badStatus == 400)
        #expect(bad.contains("nothing from this request was stored"), "\(bad)")
        let (_, c, _) = try await server.get("/api/v1/query?query=c&time=10")
        #expect(c.contains("\"result\":[]"), "\(c)")

        let (tooLarge, refusal) = try await post(server, String(repeating: "a 1 1\n", count: 400))
        #expect(tooLarge == 413)
        #expect(refusal.contains("--web.max-import-size"), "\(refusal)")
        // Compressed, the body is small; inflated, it is over the limit: refused without inflating it all.
        let (inflated, _) = try await post(server, String(repeating: "a 1 1\n", count: 400), gzip: true)
        #expect(inflated == 413)
        let (zipped, zippedAnswer) = try await post(server, "# TYPE d gauge\nd 1 1\n# EOF\n", gzip: true)
        #expect(zipped == 200)
        #expect(zippedAnswer.contains(#""samplesStored":1"#), "\(zippedAnswer)")
        let (_, metrics, _) = try await server.get("/metrics")
        #expect(metrics.contains(#"tollgate_http_api_rejected_requests_total{reason="max_import_bytes"} 2"#), "\(metrics)")
        #expect(server.stop() == 0)
    }
}

extension ImportEndpointTests {
    /// `storage.tsdb.out_of_order_time_window`: older samples inside the window are stored,
    /// older ones refused; a reload (`/-/reload`) changes the window.
    @Test func theOutOfOrderWindowComesFromTheConfiguration() async throws {
        let root = try scratch.make("cli")
        let config = root.appendingPathComponent("tollgate.yml")
        try Data("storage:\n  tsdb:\n    out_of_order_time_window: 10m\n".utf8).write(to: config)
        let server = try RunningServer(dataDir: root.appendingPathComponent("data"), extra: ["--web.enable-admin-api", "--web.enable-lifecycle", "--config.file", config.path])
        // Recent times: time retention counts back from the wall clock, and housekeeping may run
        // while a loaded machine is slow through this test.
        let now = Int(Date().timeIntervalSince1970)
        _ = try await post(server, "x 1 \(now)\n# EOF\n")
        let (_, inside) = try await post(server, "x 2 \(now - 100)\n# EOF\n")
        #expect(inside.contains(#""samplesStored":1,"outOfOrder":0"#), "\(inside)")
        let (_, outside) = try await post(server, "x 3 \(now - 900)\n# EOF\n")
        #expect(outside.contains(#""samplesStored":0,"outOfOrder":1"#), "\(outside)")

        try Data("storage:\n  tsdb:\n    out_of_order_time_window: 0s\n".utf8).write(to: config)
        let (reloaded, reloadAnswer) = try await ReloadTests.post(server, "/-/reload")  // returns once applied
        #expect(reloaded == 200, "\(reloadAnswer)")
        let (_, refused) = try await post(server, "x 4 \(now - 50)\n# EOF\n")
        #expect(refused.contains(#""samplesStored":0,"outOfOrder":1"#), "\(refused)")
        let (_, query, _) = try await server.get("/api/v1/query?query=count_over_time(x[1h])&time=\(now)")
        #expect(query.contains(#""value":[\#(now),"2"]"#), "\(query)")
        #expect(server.stop() == 0)
    }
}
