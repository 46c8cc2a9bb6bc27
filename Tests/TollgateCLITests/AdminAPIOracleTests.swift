// Tollgate — the TSDB admin API answered as Debian's Prometheus 2.42 answers it; deletion and snapshots that work.

import Foundation
import TestSupport
import Testing

@Suite(.enabled(if: TestPKI.available, "needs curl (make test installs it)"))
final class AdminAPIOracleTests: Sendable {
    let scratch = TemporaryDirectories()

    /// One request: method, path, form fields (sent URL-encoded in the body). With the admin
    /// API off, 2.42 answers 500 with errorType `unavailable` (its respondError has no status
    /// for that type); Tollgate answers the same.
    static let requests: [(String, String, [String])] = [
        ("POST", "/api/v1/admin/tsdb/delete_series", []),
        ("POST", "/api/v1/admin/tsdb/delete_series", ["match[]=up", "start=yesterday"]),
        ("POST", "/api/v1/admin/tsdb/delete_series", ["match[]=up", "end=soon"]),
        // 2.42 parses `{}` to no matcher and deletes nothing (204), and so does Tollgate;
        // later versions check selectors more strictly (not checked here: only 2.42 is installed).
        ("POST", "/api/v1/admin/tsdb/delete_series", ["match[]={}"]),
        ("POST", "/api/v1/admin/tsdb/delete_series", ["match[]=up{"]),
        ("POST", "/api/v1/admin/tsdb/delete_series", ["match[]=up"]),
        ("PUT", "/api/v1/admin/tsdb/delete_series", ["match[]={job=\"x\"}", "start=0", "end=1700000000"]),
        ("POST", "/api/v1/admin/tsdb/clean_tombstones", []),
        ("PUT", "/api/v1/admin/tsdb/clean_tombstones", []),
        ("POST", "/api/v1/admin/tsdb/snapshot", ["skip_head=maybe"]),
        ("POST", "/api/v1/admin/tsdb/snapshot", []),
        ("PUT", "/api/v1/admin/tsdb/snapshot", ["skip_head=true"]),
    ]

    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        /// The JSON object's keys, with `data`'s keys and `errorType` (nil without a body).
        var keys: [String]?
        var errorType: String?
        var dataKeys: [String]?
        var description: String { "\(status) \(keys ?? []) \(errorType ?? "") \(dataKeys ?? [])" }
    }

    static func send(_ port: Int, _ request: (String, String, [String])) async throws -> (Answer, [String: Any]) {
        let (method, path, fields) = request
        let form = fields.flatMap { ["--data-urlencode", $0] }
        let answer = try await CurlAnswer.fetch("http://127.0.0.1:\(port)\(path)", ["-X", method] + form)
        let object = answer.body.isEmpty ? nil : (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any]
        return (
            Answer(
                status: answer.status, keys: object.map { $0.keys.sorted() }, errorType: object?["errorType"] as? String,
                dataKeys: (object?["data"] as? [String: Any]).map { $0.keys.sorted() }),
            object ?? [:]
        )
    }

    @Test(.enabled(if: PrometheusServer.binary != nil, "needs Debian's prometheus"))
    func statusCodesAndJSONShapesMatchPrometheus242WithAndWithoutTheFlag() async throws {
        for enabled in [true, false] {
            let dir = try scratch.make("admin")
            let flags = enabled ? ["--web.enable-admin-api"] : []
            let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: flags)
            let prometheus = try await PrometheusServer.start(config: "global: {}\n", in: dir, arguments: flags)
            defer { prometheus.stop() }
            for request in Self.requests {
                let (ours, body) = try await Self.send(server.port, request)
                let (theirs, _) = try await Self.send(prometheus.port, request)
                let state = enabled ? "on" : "off"
                #expect(ours == theirs, "\(request.0) \(request.1) \(request.2), admin API \(state): Tollgate \(ours), Prometheus \(theirs)")
                if let name = (body["data"] as? [String: Any])?["name"] as? String {
                    // Prometheus's name: UTC time and 16 hex digits; the folder holds a copy of the store.
                    #expect(name.range(of: #"^\d{8}T\d{6}Z-[0-9a-f]{16}$"#, options: .regularExpression) != nil, "\(name)")
                    let copy = dir.appendingPathComponent("data/snapshots/\(name)/tollgate.db")
                    #expect(FileManager.default.fileExists(atPath: copy.path))
                }
            }
            // GET is not one of the methods (Prometheus 2.42 answers 405 from its router).
            let get = try await CurlAnswer.fetch("http://127.0.0.1:\(server.port)/api/v1/admin/tsdb/snapshot")
            let oracle = try await CurlAnswer.fetch("http://127.0.0.1:\(prometheus.port)/api/v1/admin/tsdb/snapshot")
            #expect(get.status == oracle.status, "GET snapshot: Tollgate \(get.status), Prometheus \(oracle.status)")
            #expect(server.stop() == 0)
        }
    }

    @Test func deleteSeriesRemovesTheRangeAndSnapshotsOpen() async throws {
        let dir = try scratch.make("admin")
        let server = try RunningServer(dataDir: dir.appendingPathComponent("data"), extra: ["--web.enable-admin-api"])
        let base = "http://127.0.0.1:\(server.port)"
        // An hour ago: recent enough that retention keeps it.
        let t0 = Int(Date().timeIntervalSince1970) - 3600
        let samples = (1...10).map { "m{job=\"a\"} \($0) \(t0 + $0)\nm{job=\"b\"} \($0) \(t0 + $0)\n" }.joined() + "# EOF\n"
        let imported = try await CurlAnswer.fetch(base + "/api/v1/import/openmetrics", ["--data-binary", samples])
        #expect(imported.status == 200, "\(imported.body)")
        func count(_ job: String) async throws -> String {
            let answer = try await CurlAnswer.fetch(base + "/api/v1/query", ["--data-urlencode", "query=count_over_time(m{job=\"\(job)\"}[1m])", "--data-urlencode", "time=\(t0 + 10)"])
            return answer.body.components(separatedBy: "\"").dropLast().last ?? answer.body
        }
        #expect(try await count("a") == "10")
        let deleted = try await CurlAnswer.fetch(
            base + "/api/v1/admin/tsdb/delete_series", ["--data-urlencode", "match[]=m{job=\"a\"}", "--data-urlencode", "start=\(t0 + 3)", "--data-urlencode", "end=\(t0 + 5).5"])
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(try await count("a") == "7")
        #expect(try await count("b") == "10")
        let snapshot = try await CurlAnswer.fetch(base + "/api/v1/admin/tsdb/snapshot", ["-X", "POST"])
        let name = try #require(((try JSONSerialization.jsonObject(with: Data(snapshot.body.utf8)) as? [String: Any])?["data"] as? [String: Any])?["name"] as? String)
        #expect(server.stop() == 0)
        // The snapshot is a data directory of its own: the deletion is in it.
        let copy = dir.appendingPathComponent("data/snapshots/\(name)")
        let reopened = try RunningServer(dataDir: copy)
        let (status, body, _) = try await reopened.get("/api/v1/query?query=count_over_time(m%5B1m%5D)&time=\(t0 + 10)")
        #expect(status == 200)
        #expect(body.contains("\"7\"") && body.contains("\"10\""), "\(body)")
        #expect(reopened.stop() == 0)
    }
}
