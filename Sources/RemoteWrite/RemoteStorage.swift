// Tollgate — RemoteWrite: every `remote_write` entry, as a service.

import CurlHTTP
import Foundation
public import Logging
public import ServiceLifecycle
public import Storage
public import TollgateConfig
import Synchronization

/// The `remote_write` section at run time: one ``RemoteQueue`` per entry, each reading the
/// store's log of committed batches (``CommitLog``) from its own durable position.
///
/// Writers append to the store only; what it committed reaches the queues through its log.
/// A reload that changes the section stops every queue (each saves its position) and starts
/// the new entries' queues, which read on from their saved positions; a removed entry's
/// position is forgotten, so the store no longer keeps records for it.
public final class RemoteStorage: Service, Sendable {
    private let log: any CommitLog
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

    /// Remote storage sending what `log` holds.
    /// - Throws: when the HTTP client cannot start.
    public init(log: any CommitLog, logger: Logger) throws {
        self.log = log
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

    /// `config`'s entries, checked before anything changes.
    /// - Throws: when two entries share a name.
    public func prepare(_ config: TollgateConfig) throws -> PreparedRemoteStorage {
        var names = Set<String>()
        for entry in config.remoteWrite {
            let name = entry.name.isEmpty ? RemoteQueue.hashName(entry.url) : entry.name
            guard names.insert(name).inserted else {
                throw RemoteStorageError(description: "remote_write: duplicate remote write configs are not allowed, found duplicate for URL: \(TollgateConfig.hidingPassword(entry.url)) (name \(name))")
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
            let queue = RemoteQueue(config: entry, externalLabels: prepared.externalLabels, log: log, client: client, logger: logger)
            // Before this returns: what commits from now on is the queue's to send.
            await queue.open()
            queues.append(queue)
        }
        let kept = Set(queues.map(\.readerName))
        for queue in old where !kept.contains(queue.readerName) {
            do {
                try await log.closeLogReader(queue.readerName)
            } catch {
                logger.warning("cannot forget a removed remote write queue's position", metadata: ["remote_name": "\(queue.name)", "error": "\(error)"])
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
        for queue in queues { logger.info("remote write queue started", metadata: ["remote_name": "\(queue.name)", "url": "\(TollgateConfig.hidingPassword(queue.config.url))"]) }
    }

    /// Every queue's state, in configuration order.
    public func status() async -> [RemoteQueueStatus] {
        let queues = state.withLock { $0.queues }
        var result: [RemoteQueueStatus] = []
        for queue in queues { result.append(queue.status) }
        return result
    }

    /// Runs until shutdown, then stops every sender (each saves its position in the log).
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
    /// Samples read from the log and not yet sent.
    public var pendingSamples: Int
    /// Requests sent at once now.
    public var shards: Int
    /// The most shards used since the queue started.
    public var mostShards: Int
}
