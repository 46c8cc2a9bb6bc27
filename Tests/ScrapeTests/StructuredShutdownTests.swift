// Tollgate — scrape loops and discoveries are children of the manager's task group:
// stopping, removing and shutting down end everything they started.

import Foundation
import Model
import Synchronization
import Logging
import ServiceLifecycle
import Storage
import TSDB
import TestSupport
import Testing
import TollgateConfig

@testable import Scrape

@Suite(.serialized) final class StructuredShutdownTests: Sendable {
    let scratch = TemporaryDirectories()

    /// `run()` returns only once every loop and discovery it ran has ended, and the target
    /// hears nothing from the manager afterwards.
    @Test func gracefulShutdownEndsEveryLoopAndDiscovery() async throws {
        let server = try TargetServer()
        let (tsdb, dir) = try await temporaryStorage(in: scratch)
        try await server.serve("/m", "a 1\n")
        let sd = dir.appendingPathComponent("targets.json")
        try Data("[{\"targets\": [\"\(server.address)\"], \"labels\": {\"from\": \"file\"}}]".utf8).write(to: sd)
        var options = ScrapeManager.Options()
        options.fileCheckInterval = .milliseconds(50)
        let manager = try ScrapeManager(storage: tsdb, logger: Logger(label: "test"), options: options)
        await manager.apply(try ScrapeLoopTests.config("""
              - job_name: static
                metrics_path: /m
                static_configs: [{targets: ['\(server.address)']}]
              - job_name: files
                metrics_path: /m
                file_sd_configs: [{files: ['\(sd.path)']}]

            """))
        let group = ServiceGroup(configuration: .init(services: [manager], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Generous deadlines: the whole suite runs in parallel on two cores.
            _ = try await tsdb.waitFor("up{job=\"files\"}", seconds: 45) { ($0.first?.values.count ?? 0) >= 2 }
            _ = try await tsdb.waitFor("up{job=\"static\"}", seconds: 45) { ($0.first?.values.count ?? 0) >= 2 }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()  // the manager's run() returned: its children all ended
        }
        let heard = try await server.requests("/m").count
        try await Task.sleep(for: .milliseconds(600))  // three scrape intervals
        #expect(try await server.requests("/m").count == heard, "a loop outlived the shutdown")
    }

    /// A loop stopped before its task group ran it never starts; a child of a cancelled group
    /// is cancelled with it.
    @Test func childTasksStopAloneOrWithTheirGroup() async {
        let early = ChildTask()
        await early.stop()
        let ran = Counter()
        await early.run { ran.add() }
        #expect(ran.value == 0)

        let child = ChildTask()
        let task = Task {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await child.run {
                        ran.add()
                        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                        ran.add()
                    }
                }
            }
        }
        while ran.value == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        await task.value
        #expect(ran.value == 2, "the body saw the cancellation and returned")
        await child.stop()  // after the end: returns at once
    }
}

/// A thread-safe count.
private final class Counter: Sendable {
    private let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .acquiring) }
    func add() { count.add(1, ordering: .acquiringAndReleasing) }
}
