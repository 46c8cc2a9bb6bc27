// Tollgate — AlertDispatch: alerts from rules to the Alertmanagers and the in-process notifier.

import CoreMetrics
import CurlHTTP
public import Logging
import Model
import Relabel
public import Rules
import Synchronization
public import ServiceLifecycle
public import TollgateConfig

/// Takes the alerts rules hand over (it is their ``Rules/NotifyFunc``), adds the external
/// labels an alert lacks, applies `alert_relabel_configs`, and passes them on: to every
/// Alertmanager of prometheus.yml's `alerting` section (API v2, each with its own
/// `alert_relabel_configs`), and to the in-process receivers (the notifier).
///
/// ```swift
/// let dispatcher = try AlertDispatcher(logger: logger)
/// await dispatcher.apply(config.alerting, externalLabels: config.global.externalLabels)
/// let notify: NotifyFunc = { expr, alerts in dispatcher.send(alerts) }
/// // in the ServiceGroup: `dispatcher.run()` pushes what `send` queued
/// ```
public actor AlertDispatcher: Service {
    /// Batches waiting to be pushed to the Alertmanagers: a rule group hands its alerts
    /// over and goes on at once; ``run()`` pushes them. When the queue is full the oldest
    /// batch is dropped and counted (`prometheus_notifications_dropped_total`).
    private let queue: AsyncStream<[SentAlert]>
    private let enqueue: AsyncStream<[SentAlert]>.Continuation
    private let client: HTTPClient
    private let logger: Logger
    private var externalLabels: [String: String] = [:]
    private var relabelConfigs: [RelabelConfig] = []
    private var managers: [AlertmanagerSet] = []
    private var receivers: [@Sendable ([SentAlert]) async -> Void] = []

    /// One `alertmanagers` entry: its resolved URLs and how to reach them.
    struct AlertmanagerSet {
        var config: AlertmanagerConfig
        var urls: [String]
    }

    /// Creates a dispatcher with no Alertmanager.
    /// - Parameter capacity: batches that may wait to be pushed
    ///   (`--alertmanager.notification-queue-capacity`, 10,000).
    /// - Throws: ``CurlHTTP/HTTPClientError`` when the HTTP client cannot start.
    public init(logger: Logger, capacity: Int = 10_000) throws {
        client = try HTTPClient()
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(capacity))
        DispatchMetrics.register(capacity: capacity)
    }

    /// Makes `alerting` the Alertmanagers alerts go to, and `externalLabels` the labels added.
    public func apply(_ alerting: AlertingConfig, externalLabels: [String: String]) {
        self.externalLabels = externalLabels
        relabelConfigs = alerting.alertRelabelConfigs
        managers = alerting.alertmanagers.map { AlertmanagerSet(config: $0, urls: Self.urls(of: $0, logger: logger)) }
        DispatchMetrics.discovered(managers.reduce(0) { $0 + $1.urls.count })
    }

    /// Adds an in-process receiver (the notifier): it gets every alert after the labels and relabeling.
    public func addReceiver(_ receiver: @escaping @Sendable ([SentAlert]) async -> Void) { receivers.append(receiver) }

    /// The URLs alerts are pushed to (`/api/v1/alertmanagers`).
    public var alertmanagerURLs: [String] { managers.flatMap(\.urls) }

    /// Queues one rule's alerts and returns at once; ``run()`` passes them on.
    public nonisolated func send(_ alerts: [SentAlert]) {
        if case .dropped(let oldest) = enqueue.yield(alerts) { DispatchMetrics.dropped(oldest.count) }
    }

    /// Passes queued alerts on until graceful shutdown, then the ones still queued.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await alerts in queue { await deliver(alerts) }
        } onGracefulShutdown: { [enqueue] in
            enqueue.finish()
        }
        client.shutdown()
    }

    /// Labels, relabels and passes on one rule's alerts.
    func deliver(_ alerts: [SentAlert]) async {
        let prepared = alerts.compactMap(prepare)
        DispatchMetrics.dropped(alerts.count - prepared.count)
        guard !prepared.isEmpty else { return }
        for receiver in receivers { await receiver(prepared) }
        let client = client, logger = logger
        await withTaskGroup(of: Void.self) { group in
            for manager in managers {
                let own = prepared.compactMap { alert -> SentAlert? in
                    guard let labels = RelabelConfig.process(alert.labels, manager.config.alertRelabelConfigs), !labels.isEmpty else { return nil }
                    var alert = alert
                    alert.labels = labels
                    return alert
                }
                guard !own.isEmpty else { continue }
                let body = AlertmanagerPayload.encode(own)
                for url in manager.urls {
                    let config = manager.config
                    group.addTask { await Self.post(body, count: own.count, to: url, config: config, client: client, logger: logger) }
                }
            }
        }
    }

    private func prepare(_ alert: SentAlert) -> SentAlert? {
        var builder = LabelsBuilder(alert.labels)
        for (name, value) in externalLabels where alert.labels[name] == nil { builder[name] = value }
        guard let labels = RelabelConfig.process(builder.labels, relabelConfigs), !labels.isEmpty else { return nil }
        var alert = alert
        alert.labels = labels
        return alert
    }

    private static func post(_ body: [UInt8], count: Int, to url: String, config: AlertmanagerConfig, client: HTTPClient, logger: Logger) async {
        let started = ContinuousClock.now
        do {
            var request = try config.http.request(url: url)
            request.method = "POST"
            request.body = body
            request.headers.append((name: "Content-Type", value: "application/json"))
            request.timeoutMilliseconds = Int(config.timeout.milliseconds)
            let response = try await client.execute(request)
            guard (200..<300).contains(response.status) else {
                throw DispatchError(description: "bad response status \(response.status)")
            }
            DispatchMetrics.sent(url, count: count, seconds: started.duration(to: .now))
        } catch {
            DispatchMetrics.failed(url, count: count)
            logger.error("error sending alerts", metadata: ["alertmanager": "\(url)", "count": "\(count)", "error": "\(error)"])
        }
    }

    struct DispatchError: Error, CustomStringConvertible {
        var description: String
    }
}
