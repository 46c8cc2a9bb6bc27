// Tollgate — the rollouts, Flagger and DORA endpoints under hostile input: each answered with a 4xx, the server unharmed.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

final class RolloutsHostileTests: Sendable {
    let scratch = TemporaryDirectories()

    @Test func hostileBodiesAndIdsGetClearErrors() async throws {
        let root = try scratch.make("hostile-rollouts")
        let server = try RolloutsServeTests().start(root)
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let posts: [(String, String, Int, String)] = [
            ("/api/v1/rollouts", "", 400, "body is empty"),
            ("/api/v1/rollouts", "\u{0}\u{1}\u{FF}garbage", 400, "not a JSON object"),
            ("/api/v1/rollouts", deep, 400, "not a JSON object"),
            ("/api/v1/rollouts", String(repeating: "x", count: 2 << 20), 413, "too large"),
            ("/api/v1/rollouts", #"{"service":"s","version":"v","guard":"checkout-api","plan":"quick","commit_time":1e300}"#, 400, "commit_time"),
            ("/api/v1/rollouts", #"{"service":"\#(String(repeating: "s", count: 5000))","version":"v","guard":"g","plan":"p"}"#, 400, "longer than 1024"),
            ("/api/v1/rollouts", #"{"service":["s"],"version":"v","guard":"g","plan":"p"}"#, 400, "'service' must be a string"),
            ("/api/v1/rollouts", #"{"service":"s","version":"v","guard":"\"} or up{","plan":"quick"}"#, 400, "field 'guard'"),
            ("/api/v1/rollouts/r-0000000000000000/advance", "", 404, "not found"),
            ("/api/v1/rollouts/..%2F..%2Fetc/finish", #"{"outcome":"promoted"}"#, 404, "not found"),
            ("/api/v1/flagger/gate", #"{"name":"c","metadata":"guard"}"#, 400, "'metadata'"),
            ("/api/v1/flagger/rollback", "null", 400, "not a JSON object"),
        ]
        for (path, body, status, message) in posts {
            let (got, answer) = try await GuardsServeTests.post(server, path, body)
            #expect(got == status, "\(path) \(body.prefix(40)): \(got) \(answer.prefix(200))")
            #expect(answer.contains(message), "\(path) \(body.prefix(40)): \(answer.prefix(200))")
        }
        let id = try await RolloutsServeTests.create(server, #"{"service":"s","version":"v","guard":"checkout-api","plan":"quick"}"#)
        let (badFinish, badFinishBody) = try await GuardsServeTests.post(server, "/api/v1/rollouts/\(id)/finish", #"{"outcome":"maybe"}"#)
        #expect(badFinish == 400 && badFinishBody.contains("field 'outcome'"), "\(badFinishBody)")
        let gets: [(String, Int)] = [
            ("/api/v1/rollouts/" + String(repeating: "r", count: 50_000), 404),
            ("/api/v1/rollouts/\(id)/decision?time=yesterday", 400),
            ("/api/v1/dora?window=forever", 400),
            ("/api/v1/dora?window=-5m", 400),
            ("/api/v1/dora?window=1000y", 400),  // beyond Prometheus's longest duration
            ("/api/v1/dora?window=100y", 200),
        ]
        for (path, status) in gets {
            let (got, answer, _) = try await server.get(path)
            #expect(got == status, "\(path.prefix(60)): \(got) \(answer.prefix(200))")
        }
        // `gate` takes a rollout or a guard's question, not both, not half of one.
        let both = try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--rollout", id, "--guard", "checkout-api"])
        #expect(both.status != 0 && both.stderr.contains("--rollout asks a stored rollout"), "\(both.stderr)")
        let half = try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--guard", "checkout-api"])
        #expect(half.status != 0 && half.stderr.contains("missing --service, --version (or give --rollout ID)"), "\(half.stderr)")
        let unknown = try Binary.run(["gate", "--url", "http://127.0.0.1:\(server.port)", "--rollout", "r-nope"])
        #expect(unknown.status == 3 && unknown.stderr.contains(#"HTTP 404: rollout "r-nope" not found"#), "\(unknown.stderr)")
        let dora = try Binary.run(["dora", "--url", "http://127.0.0.1:\(server.port)", "--window", "soon"])
        #expect(dora.status != 0 && dora.stderr.contains("--window: invalid duration"), "\(dora.stderr)")
        // Still the same server, answering.
        #expect(server.process.isRunning)
        let (listed, list, _) = try await server.get("/api/v1/rollouts")
        #expect(listed == 200 && list.contains(id))
        #expect(server.stop() == 0)
    }
}
