// Tollgate — the libcurl client: TLS, authentication, headers, reuse, limits.

import Foundation
import Logging
import Model
import Storage
import TSDB
import TestSupport
import Testing
import TollgateConfig

@testable import CurlHTTP
@testable import Scrape

@Suite(.serialized) final class HTTPClientTests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// A self-signed certificate for the name `tollgate.test` only (not for 127.0.0.1).
    static func certificate(in directory: URL) throws -> (cert: String, key: String) {
        let cert = directory.appendingPathComponent("cert.pem").path, key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
            "-subj", "/CN=tollgate.test", "-addext", "subjectAltName=DNS:tollgate.test",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("openssl failed") }
        return (cert, key)
    }

    @Test func tlsVerificationServerNameAndInsecure() async throws {
        let (tsdb, directory) = try await temporaryStorage(in: scratch)
        let certificate = try Self.certificate(in: directory)
        let server = try TargetServer(certificate: certificate)
        let tlsPort = try #require(server.tlsPort)
        try await server.serve("/m", "secure 1\n")
        let manager = try ScrapeLoopTests.manager(tsdb)
        func job(_ name: String, _ tls: String) -> String {
            "  - job_name: \(name)\n    scheme: https\n    metrics_path: /m\n    tls_config: {\(tls)}\n"
                + "    static_configs: [{targets: ['127.0.0.1:\(tlsPort)']}]\n"
        }
        // A TLS handshake with Python under a loaded test run can take a while: 1 s timeouts.
        await manager.apply(try TollgateConfig(yaml: "global: {scrape_interval: 1s}\nscrape_configs:\n" +
            job("trusted", "ca_file: '\(certificate.cert)', server_name: tollgate.test")
                + job("wrong_name", "ca_file: '\(certificate.cert)'")
                + job("untrusted", "")
                + job("insecure", "insecure_skip_verify: true"), file: "tls.yml"))
        let up = try await tsdb.waitFor("up") { $0.count == 4 }
        let byJob = Dictionary(uniqueKeysWithValues: up.map { ($0.labels["job"] ?? "", $0.values.first ?? -1) })
        #expect(byJob == ["trusted": 1, "wrong_name": 0, "untrusted": 0, "insecure": 1])
        let errors = Dictionary(uniqueKeysWithValues: await manager.activeTargets().map { ($0.scrapePool, $0.health.lastError) })
        #expect(errors["untrusted"]?.lowercased().contains("certificate") == true, "\(errors)")
        #expect(errors["wrong_name"]?.contains("127.0.0.1") == true || errors["wrong_name"]?.contains("certificate") == true, "\(errors)")
        await manager.stop()
    }

    @Test func authenticationAndCustomHeaders() async throws {
        let server = try TargetServer()
        let (tsdb, directory) = try await temporaryStorage(in: scratch)
        try await server.serve("/basic", "b 1\n")
        try await server.serve("/bearer", "t 1\n")
        let tokenFile = directory.appendingPathComponent("token")
        try "s3cret-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let manager = try ScrapeLoopTests.manager(tsdb)
        await manager.apply(try ScrapeLoopTests.config("""
              - job_name: basic
                metrics_path: /basic
                basic_auth: {username: scraper, password: 'pa:ss'}
                http_headers: {X-Tenant: {values: [blue]}}
                static_configs: [{targets: ['\(server.address)']}]
              - job_name: bearer
                metrics_path: /bearer
                authorization: {credentials_file: '\(tokenFile.path)'}
                params: {x: ['a b']}
                static_configs: [{targets: ['\(server.address)']}]

            """))
        _ = try await tsdb.waitFor("up") { $0.count == 2 && $0.allSatisfy { $0.values.first == 1 } }
        let basic = try #require(try await server.requests("/basic").first)
        #expect(basic["authorization"] == "Basic " + Data("scraper:pa:ss".utf8).base64EncodedString())
        #expect(basic["x-tenant"] == "blue")
        let bearer = try #require(try await server.requests("/bearer").first)
        #expect(bearer["authorization"] == "Bearer s3cret-token", "the file is read, whitespace trimmed")
        #expect(bearer["_query"] == "x=a+b")
        await manager.stop()
    }

    /// A large body's buffer, given back, takes the next large body: the same memory, and
    /// only the new body in it.
    @Test func largeBodiesReuseTheBufferGivenBack() async throws {
        let server = try TargetServer()
        try await server.serve("/a", String(repeating: "a", count: 100_000))
        try await server.serve("/b", String(repeating: "b", count: 80_000))
        let client = try HTTPClient()
        defer { client.shutdown() }
        let first = try await client.execute(.init(url: "http://\(server.address)/a"), sizeHint: 100_000)
        #expect(first.body.count == 100_000)
        let address = first.body.withUnsafeBufferPointer { $0.baseAddress }
        client.recycle(consume first)
        #expect(client.bodies.keptBuffers.count == 1)
        let second = try await client.execute(.init(url: "http://\(server.address)/b"), sizeHint: 90_000)
        #expect(client.bodies.keptBuffers.count == 0, "taken by the second transfer")
        #expect(second.body == Array(repeating: UInt8(ascii: "b"), count: 80_000))
        #expect(second.body.withUnsafeBufferPointer { $0.baseAddress } == address)
        // A small hint takes no kept buffer.
        client.recycle(consume second)
        _ = try await client.execute(.init(url: "http://\(server.address)/b"), sizeHint: 1_000)
        #expect(client.bodies.keptBuffers.count == 1)
    }

    /// A transport error names the URL without its password (remote write logs it).
    @Test func transportErrorsHideTheURLsPassword() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        do {
            _ = try await client.execute(.init(url: "http://writer:rw-secret-5@127.0.0.1:1/api/v1/write"))
            Issue.record("port 1 answered")
        } catch {
            let text = "\(error)"
            #expect(!text.contains("rw-secret-5"), "\(text)")
            #expect(text.contains("http://writer:<secret>@127.0.0.1:1/api/v1/write"), "\(text)")
        }
    }

    @Test func keptBodyBuffersStayWithinTheirBudget() {
        let buffers = BodyBuffers(budget: 512 << 10)
        func buffer(_ capacity: Int) -> [UInt8] {
            var bytes: [UInt8] = [1, 2, 3]
            bytes.reserveCapacity(capacity)
            return bytes
        }
        func give(_ capacity: Int) {
            var bytes = buffer(capacity)
            buffers.give(&bytes)
        }
        give(200 << 10)  // more than a quarter of the budget: freed
        give(10 << 10)  // too small to keep
        #expect(buffers.keptBuffers.count == 0)
        for _ in 0..<6 { give(100 << 10) }
        #expect(buffers.keptBuffers.count == 5, "the sixth would pass 512 KiB")
        #expect(buffers.keptBuffers.bytes <= 512 << 10)
        let taken = buffers.take(capacity: 90 << 10)
        #expect(taken.isEmpty && taken.capacity >= 100 << 10)
        #expect(buffers.keptBuffers.count == 4)
        #expect(buffers.take(capacity: 100).capacity < 64 << 10, "a small hint takes no kept buffer")
        #expect(buffers.take(capacity: 300 << 10).capacity >= 300 << 10, "the largest kept one, grown")
        #expect(buffers.keptBuffers.count == 3)
    }

    @Test func connectionsAreReusedAndBodiesLimited() async throws {
        let server = try TargetServer()
        try await server.serve("/big", String(repeating: "x", count: 100_000))
        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPClient.Request(url: "http://\(server.address)/big")
        for _ in 0..<3 {
            let response = try await client.execute(request)
            #expect(response.status == 200 && response.body.count == 100_000)
        }
        let peers = Set(try await server.requests("/big").compactMap { $0["_peer"] })
        #expect(peers.count == 1, "one keep-alive connection for three requests: \(peers)")
        request.maxBodySize = 10_000
        await #expect(throws: HTTPClientError.bodyTooLarge(limit: 10_000)) { try await client.execute(request) }
        let missing = try await client.execute(.init(url: "http://\(server.address)/nothing"))
        #expect(missing.status == 404)
        await #expect(throws: HTTPClientError.self) { try await client.execute(.init(url: "http://127.0.0.1:1/")) }
    }

    @Test func cancellingTheTaskStopsTheTransfer() async throws {
        let server = try TargetServer()
        // The answer takes 30 s, so that a loaded machine (the whole suite on two cores) that
        // wakes this test late still cancels a transfer in flight.
        try await server.serve("/slow", "x 1\n", delay: 30)
        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPClient.Request(url: "http://\(server.address)/slow")
        request.timeoutMilliseconds = 60_000
        let task = Task { try await client.execute(request) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: HTTPClientError.cancelled) { try await task.value }
        #expect(ContinuousClock.now - cancelled < .seconds(10), "the transfer stops well before its answer")
    }

    @Test func aClientShutDownFailsRequestsWithoutCrashing() async throws {
        let server = try TargetServer()
        try await server.serve("/slow", "x 1\n", delay: 5)
        let client = try HTTPClient()
        let inFlight = Task { try await client.execute(.init(url: "http://\(server.address)/slow")) }
        try await Task.sleep(for: .milliseconds(200))
        client.shutdown()
        await #expect(throws: HTTPClientError.cancelled) { try await inFlight.value }
        try await Task.sleep(for: .milliseconds(100))
        // After the loop has freed its handle: new requests and cancellations are refused quietly.
        let late = Task { try await client.execute(.init(url: "http://\(server.address)/slow")) }
        late.cancel()
        await #expect(throws: HTTPClientError.cancelled) { try await late.value }
        await #expect(throws: HTTPClientError.cancelled) { try await client.execute(.init(url: "http://\(server.address)/slow")) }
    }
}
