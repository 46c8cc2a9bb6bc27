// Tollgate — the engine's limits and errors: each is the matching Prometheus error, and
// none takes the process down.

import Model
import PromQLEngine
import Storage
import TSDB
import TestSupport
import Testing

final class EngineLimitTests: Sendable {
    /// This test's stores, removed when it ends.
    let scratch = TemporaryDirectories()

    /// A store with `series` series of `samples` samples each, 15 s apart.
    func store(series: Int, samples: Int) async throws -> TSDB {
        let db = try await temporaryStore("engine", in: scratch)
        var appender = db.appender()
        for s in 0..<series {
            let labels = Labels(["__name__": "requests_total", "instance": "i\(s)"])
            for i in 0..<samples { appender.append(labels, t: Int64(i) * 15_000, v: Double(i)) }
        }
        _ = try await appender.commit()
        return db
    }

    @Test func tooManySamplesIsAnExecutionError() async throws {
        var options = EngineOptions()
        options.maxSamples = 100
        let engine = Engine(queryable: try await store(series: 20, samples: 40), options: options)
        await #expect(throws: QueryError(.execution, "query processing would load too many samples into memory in query execution")) {
            _ = try await engine.rangeQuery("requests_total", start: 0, end: 600_000, step: 15_000)
        }
        // A query under the limit still runs on the same engine.
        let small = try await engine.instantQuery("count(requests_total)", at: 300_000)
        #expect(small.value == .vector([VectorSample(labels: Labels(), t: 300_000, v: 20)]))
    }

    @Test func timeoutIsReportedAsTimeout() async throws {
        var options = EngineOptions()
        options.timeout = .zero
        let engine = Engine(queryable: try await store(series: 1, samples: 10), options: options)
        await #expect(throws: QueryError(.timeout, "query timed out in expression evaluation")) {
            _ = try await engine.rangeQuery("sum(requests_total)", start: 0, end: 1_000_000, step: 1000)
        }
        await #expect(throws: QueryError(.timeout, "query timed out in expression evaluation")) {
            _ = try await engine.instantQuery("requests_total", at: 100_000)
        }
    }

    @Test func cancellationStopsEvaluation() async throws {
        let engine = Engine(queryable: try await store(series: 1, samples: 10))
        let task = Task { try await engine.rangeQuery("sum(requests_total)", start: 0, end: 100_000_000, step: 1000) }
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("a cancelled query returned a result")
        } catch let error as QueryError {
            #expect(error.kind == .canceled)
        }
    }

    @Test func queriesBeyondTheConcurrencyLimitWaitTheirTurn() async throws {
        var options = EngineOptions()
        options.maxConcurrentQueries = 2
        let storage = HeldStorage(try await store(series: 5, samples: 40))
        let engine = Engine(queryable: storage, options: options)
        let results = try await withThrowingTaskGroup(of: QueryValue.self) { group in
            for _ in 0..<5 { group.addTask { try await engine.instantQuery("sum(requests_total)", at: 585_000).value } }
            // Storage holds every query that reaches it, so the first two keep both slots: wait
            // until the other three queue for a slot or, with the limit ignored, reach storage too.
            var reached = 0, queued = 0
            repeat {
                await Task.yield()
                reached = await storage.probe.reached
                queued = await engine.queuedQueries
            } while reached <= 2 && !(reached == 2 && queued == 3)
            #expect(reached == 2, "queries that reached storage with two slots")
            #expect(queued == 3, "queries waiting for a slot")
            await storage.probe.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 5)
        #expect(Set(results.map { "\($0)" }).count == 1)
        let mostAtOnce = await storage.probe.mostAtOnce
        #expect(mostAtOnce == 2, "most queries reading storage at once")
    }

    @Test func parseErrorsAreBadDataWithThePosition() async throws {
        let engine = Engine(queryable: try await store(series: 1, samples: 1))
        do {
            _ = try await engine.instantQuery("sum(rate(x[5m])", at: 0)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .badData)
            #expect(error.message.hasPrefix("1:"))
            #expect(error.message.contains("parse error"))
        }
    }

    @Test func rangeQueriesNeedAnInstantVectorOrScalar() async throws {
        let engine = Engine(queryable: try await store(series: 1, samples: 1))
        await #expect(throws: QueryError(.badData, "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector")) {
            _ = try await engine.rangeQuery("requests_total[5m]", start: 0, end: 60_000, step: 15_000)
        }
    }
}

/// A store whose selects wait until ``SelectProbe/release()``, counting how many run at once.
struct HeldStorage: Queryable {
    let store: TSDB
    let probe = SelectProbe()

    init(_ store: TSDB) { self.store = store }

    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples] {
        await probe.enter()
        do {
            let found = try await store.select(matchers, minTime: minTime, maxTime: maxTime)
            await probe.leave()
            return found
        } catch {
            await probe.leave()
            throw error
        }
    }

    func labelNames(matching matchers: [LabelMatcher]) -> [String] { store.labelNames(matching: matchers) }

    func labelValues(_ name: String, matching matchers: [LabelMatcher]) -> [String] { store.labelValues(name, matching: matchers) }
}

/// Counts the selects that reach storage and holds them until released.
actor SelectProbe {
    /// Selects that have reached storage.
    private(set) var reached = 0
    /// The most selects running at once.
    private(set) var mostAtOnce = 0
    private var running = 0
    /// Selects waiting for ``release()``; `nil` once released.
    private var held: [CheckedContinuation<Void, Never>]? = []

    func enter() async {
        reached += 1
        running += 1
        mostAtOnce = max(mostAtOnce, running)
        if held != nil { await withCheckedContinuation { held?.append($0) } }
    }

    func leave() { running -= 1 }

    /// Lets every held select, and every later one, through.
    func release() {
        let waiting = held ?? []
        held = nil
        for continuation in waiting { continuation.resume() }
    }
}
