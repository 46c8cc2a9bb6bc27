// Tollgate — the HTTP endpoints, in process.

import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A metrics source that renders a counter of how often it was asked.
actor CountingSource: SelfMetricsSource {
    private var calls = 0

    func exposition() async -> [UInt8] {
        calls += 1
        return Array("# TYPE scrapes_total counter\nscrapes_total \(calls)\n".utf8)
    }
}

struct APIRouterTests {
    @Test func metricsAreServedInTheTextFormat() async throws {
        let app = Application(router: APIRouter.build([SelfMetricsRoutes(source: CountingSource()), HealthRoutes(readiness: ReadinessState())]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(String(buffer: response.body) == "# TYPE scrapes_total counter\nscrapes_total 1\n")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).hasSuffix("scrapes_total 2\n"))
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        let readiness = ReadinessState()
        let app = Application(router: APIRouter.build([SelfMetricsRoutes(source: CountingSource()), HealthRoutes(readiness: readiness)]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/healthy", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/-/healthy", method: .head) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            readiness.set(true)
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "Tollgate is Ready.\n")
            }
            try await client.execute(uri: "/no/such/path", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// A readiness check that gives a reason turns `/-/ready` to 503 with it, and back to 200 when it clears.
    @Test func aFailingReadinessCheckSaysWhy() async throws {
        final class Reason: Sendable { let text = Mutex<String?>(nil) }
        let readiness = ReadinessState()
        let reason = Reason()
        readiness.addCheck { reason.text.withLock { $0 } }
        readiness.set(true)
        let app = Application(router: APIRouter.build([HealthRoutes(readiness: readiness)]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
            reason.text.withLock { $0 = "disk full: no space left to write data/tollgate.db" }
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body) == "Service Unavailable: disk full: no space left to write data/tollgate.db\n")
            }
            #expect(readiness.isStarted && !readiness.isReady)
            reason.text.withLock { $0 = nil }
            try await client.execute(uri: "/-/ready", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
