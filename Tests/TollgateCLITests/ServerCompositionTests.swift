// Tollgate — the server's composition: a configuration reaches every part, or none.

import HTTPAPI
import PromQL
import ServiceLifecycle
import Synchronization
import Testing
import TollgateConfig

@testable import TollgateCLI

/// A part that records the configurations it applied, and refuses those without scrape jobs
/// when asked to.
private final class RecordingPart: ServerPart {
    let name: String
    let refusesEmpty: Bool
    let applied = Mutex<[Int]>([])

    init(name: String, refusesEmpty: Bool = false) {
        self.name = name
        self.refusesEmpty = refusesEmpty
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String { "no scrape jobs" }
    }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        if refusesEmpty && config.scrapeConfigs.isEmpty { throw Refusal() }
        let jobs = config.scrapeConfigs.count
        return ReloadStep { self.applied.withLock { $0.append(jobs) } }
    }
}

struct ServerCompositionTests {
    static func config(jobs: Int) throws -> TollgateConfig {
        let yaml = "scrape_configs:\n" + (0..<jobs).map { "  - job_name: j\($0)\n    static_configs: [{targets: ['127.0.0.1:1']}]\n" }.joined()
        return try TollgateConfig(yaml: jobs == 0 ? "global: {}\n" : yaml, file: "test.yml")
    }

    @Test func aConfigurationOnePartRefusesReachesNoPart() async throws {
        let first = RecordingPart(name: "first")
        let picky = RecordingPart(name: "picky", refusesEmpty: true)
        let last = RecordingPart(name: "last")
        var server = Server()
        server.add(first)
        server.add(picky)
        server.add(last)

        try await server.apply(Self.config(jobs: 2))
        #expect(first.applied.withLock { $0 } == [2])
        #expect(last.applied.withLock { $0 } == [2])

        await #expect(throws: ReloadError.self) { try await server.apply(Self.config(jobs: 0)) }
        // Nobody applied the refused configuration: not the part before the refusal either.
        #expect(first.applied.withLock { $0 } == [2])
        #expect(picky.applied.withLock { $0 } == [2])
        #expect(last.applied.withLock { $0 } == [2])
        do {
            try await server.apply(Self.config(jobs: 0))
        } catch let error as ReloadError {
            #expect(error.part == "picky")
            #expect(error.description == "no scrape jobs")
        }
    }

    @Test func servicesAndRoutesComeFromEveryPartInOrder() {
        var server = Server()
        server.add(RoutedPart())
        server.add(RecordingPart(name: "quiet"))
        #expect(server.routes.count == 1)
        #expect(server.routes.first is HealthRoutes)
        #expect(server.services.isEmpty)
        #expect(server.parts.map(\.name) == ["routed", "quiet"])
    }

    @Test func featureFlagsTakePrometheusNames() {
        let flags = FeatureFlags(["promql-experimental-functions, promql-duration-expr", "exemplar-storage,nonsense", "nonsense"])
        #expect(flags.parserOptions.enableExperimentalFunctions)
        #expect(flags.parserOptions.enableDurationExpressions)
        #expect(!flags.parserOptions.enableBinopFillModifiers)
        #expect(flags.unknown == ["nonsense"])
        #expect(flags.flagValue == "promql-experimental-functions,promql-duration-expr,exemplar-storage")
        #expect(FeatureFlags([]).flagValue == "")
    }
}

/// A part with one route and nothing else.
struct RoutedPart: ServerPart {
    var name: String { "routed" }
    var routes: [any RouteRegistrar] { [HealthRoutes(readiness: ReadinessState())] }
}
