// Tollgate — RemoteWrite: every `remote_write` entry, as a service.

import CurlHTTP
import Foundation
public import Logging
public import ServiceLifecycle
public import TollgateConfig
import Synchronization

/// The `remote_write` section at run time: one ``RemoteQueue`` per entry, each with its
/// durable queue file under `DATA_DIR/remote_write/` and its own sender task.
///
/// Samples reach it from ``RemoteFanout`` after each commit the local store accepted.
/// A reload keeps the queues of unchanged entries, starts new ones and stops removed ones
/// (a removed entry's file stays, and resumes if the entry comes back).
public final class RemoteStorage: Service, Sendable {
    private let directory: String
    private let client: HTTPClient
    private let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        var queues: [RemoteQueue] = []
        var tasks: [ObjectIdentifier: Task<Void, Never>] = [:]
        var configs: [RemoteWriteConfig] = []
        var externalLabels: [String: String] = [:]
        var stopped = false
    }

    /// Remote storage keeping its queues under `directory`.
    /// - Throws: when the HTTP client cannot start.
    public init(directory: String, logger: Logger) throws {
        self.directory = directory
        self.logger = logger
        client = try HTTPClient()
    }

    /// Where the metadata sent with `metadata_config.send` comes from (the scrape targets').
    private let metadataSource = Mutex<(@Sendable () async -> [RemoteMetadata])?>(nil)

    /// Sets where metric metadata comes from; without a source none is sent.
    public func setMetadataSource(_ source: @escaping @Sendable () async -> [RemoteMetadata]) {
        metadataSource.withLock { $0 = source }
    }

    /// The metadata to send now.
    func metadata() async -> [RemoteMetadata] {
        guard let source = metadataSource.withLock({ $0 }) else { return [] }
        return await source()
    }

    /// Whether any entry is configured (commits skip the remote path when not).
    public var isActive: Bool { state.withLock { !$0.queues.isEmpty } }

    /// Queues opened for `config`'s entries before anything changes.
    /// - Throws: when a queue file cannot be opened, or two entries share a name.
    public func prepare(_ config: TollgateConfig) throws -> PreparedRemoteStorage {
        var names = Set<String>()
        for entry in config.remoteWrite {
            let name = entry.name.isEmpty ? RemoteQueue.hashName(entry.url) : entry.name
            guard names.insert(name).inserted else {
                throw RemoteStorageError(description: "remote_write: duplicate remote write configs are not allowed, found duplicate for URL: \(entry.url) (name \(name))")
            }
        }
        return PreparedRemoteStorage(configs: config.remoteWrite, externalLabels: config.global.externalLabels)
    }

    /// Applies prepared entries: unchanged ones keep running.
    public func apply(_ prepared: PreparedRemoteStorage) async {
        let (old, same) = state.withLock { (state: inout State) -> ([RemoteQueue], Bool) in
            if state.configs == prepared.configs && state.externalLabels == prepared.externalLabels { return ([], true) }
            return (state.queues, false)
        }
        guard !same else { return }
        // Stop the old senders first: a queue file has one writer.
        let tasks = state.withLock { (state: inout State) -> [Task<Void, Never>] in
            let tasks = old.compactMap { state.tasks[ObjectIdentifier($0)] }
            state.queues = []
            state.tasks = [:]
            return tasks
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        var queues: [RemoteQueue] = []
        for entry in prepared.configs {
            do {
                queues.append(
                    try RemoteQueue(
                        config: entry, externalLabels: prepared.externalLabels,
                        directory: (directory as NSString).appendingPathComponent("remote_write"), client: client, logger: logger))
            } catch {
                logger.error("cannot open the remote write queue; samples are not sent to this remote", metadata: ["url": "\(TollgateConfig.hidingPassword(entry.url))", "error": "\(error)"])
            }
        }
        state.withLock { state in
            state.configs = prepared.configs
            state.externalLabels = prepared.externalLabels
            guard !state.stopped else { return }
            state.queues = queues
            for queue in queues {
                state.tasks[ObjectIdentifier(queue)] = Task { [self] in
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask { await queue.run() }
                        if queue.config.sendMetadata { group.addTask { await queue.runMetadata { await self.metadata() } } }
                    }
                }
            }
        }
        for queue in queues { logger.info("remote write queue started", metadata: ["remote_name": "\(queue.name)", "url": "\(TollgateConfig.hidingPassword(queue.config.url))", "file": "\(queue.path)"]) }
    }

    /// Hands samples a commit stored to every queue.
    func enqueue(_ samples: [RemoteSample]) async {
        let queues = state.withLock { $0.queues }
        for queue in queues { await queue.enqueue(samples) }
    }

    /// Every queue's state, in configuration order.
    public func status() async -> [RemoteQueueStatus] {
        let queues = state.withLock { $0.queues }
        var result: [RemoteQueueStatus] = []
        for queue in queues { result.append(await queue.status) }
        return result
    }

    /// Runs until shutdown, then stops every sender (what is queued stays in the files).
    public func run() async throws {
        try? await gracefulShutdown()
        let tasks = state.withLock { (state: inout State) -> [Task<Void, Never>] in
            state.stopped = true
            state.queues = []
            defer { state.tasks = [:] }
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        client.shutdown()
    }
}

/// Entries checked and ready to apply.
public struct PreparedRemoteStorage: Sendable {
    let configs: [RemoteWriteConfig]
    let externalLabels: [String: String]
}

/// A `remote_write` section that cannot be applied.
public struct RemoteStorageError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// One `remote_write` queue's state.
public struct RemoteQueueStatus: Sendable, Equatable {
    /// `remote_name`.
    public var name: String
    /// Samples queued, not yet sent.
    public var pendingSamples: Int
    /// Requests sent at once now.
    public var shards: Int
    /// The most shards used since the queue started.
    public var mostShards: Int
}
