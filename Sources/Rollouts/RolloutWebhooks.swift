// Tollgate — Rollouts: each stored change POSTed to `rollout_webhooks`, with retries.

import CoreMetrics
import CurlHTTP
public import Logging
import Model
public import ServiceLifecycle
public import TollgateConfig

/// Pushes each stored rollout change (``RolloutJSON/change(_:_:previous:)``) to every
/// `rollout_webhooks` URL, so a rollout engine can roll back without polling.
///
/// ``send(_:)`` queues and returns at once; ``run()`` posts the changes in order, each to
/// every URL at once, retrying a transport error or a non-2xx answer up to `max_retries`
/// times with exponential backoff (1 s, 2 s, 4 s, …). Counted in
/// `tollgate_rollout_webhook_requests_total{url,result}`. A full queue drops the oldest change.
public actor RolloutWebhooks: Service {
    private let queue: AsyncStream<[UInt8]>
    private let enqueue: AsyncStream<[UInt8]>.Continuation
    private let client: HTTPClient
    private let logger: Logger
    private let backoff: Duration
    private var hooks: [RolloutWebhookConfig] = []

    /// A sender with no webhook.
    /// - Parameters:
    ///   - backoff: the first retry's wait; each next one doubles it.
    ///   - capacity: changes that may wait.
    /// - Throws: ``CurlHTTP/HTTPClientError`` when the HTTP client cannot start.
    public init(logger: Logger, backoff: Duration = .seconds(1), capacity: Int = 1000) throws {
        client = try HTTPClient()
        self.logger = logger
        self.backoff = backoff
        (queue, enqueue) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(capacity))
    }

    /// Makes `hooks` the webhooks changes go to.
    public func apply(_ hooks: [RolloutWebhookConfig]) { self.hooks = hooks }

    /// Queues one change and returns at once.
    public nonisolated func send(_ payload: [UInt8]) { enqueue.yield(payload) }

    /// Posts queued changes until graceful shutdown, then those still queued.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await payload in queue { await deliver(payload) }
        } onGracefulShutdown: { [enqueue] in
            enqueue.finish()
        }
        client.shutdown()
    }

    func deliver(_ payload: [UInt8]) async {
        let client = client, logger = logger, backoff = backoff
        await withTaskGroup(of: Void.self) { group in
            for hook in hooks {
                group.addTask { await Self.post(payload, to: hook, client: client, backoff: backoff, logger: logger) }
            }
        }
    }

    private static func post(_ payload: [UInt8], to hook: RolloutWebhookConfig, client: HTTPClient, backoff: Duration, logger: Logger) async {
        var wait = backoff
        for attempt in 0...hook.maxRetries {
            if attempt > 0 {
                try? await Task.sleep(for: wait)
                wait *= 2
            }
            do {
                var request = try hook.http.request(url: hook.url)
                request.method = "POST"
                request.body = payload
                request.headers.append((name: "Content-Type", value: "application/json"))
                request.timeoutMilliseconds = Int(hook.timeout.milliseconds)
                let response = try await client.execute(request)
                guard (200..<300).contains(response.status) else { throw WebhookError(description: "HTTP status \(response.status)") }
                Counter(label: "tollgate_rollout_webhook_requests_total", dimensions: [("url", hook.url), ("result", "success")]).increment()
                return
            } catch {
                Counter(label: "tollgate_rollout_webhook_requests_total", dimensions: [("url", hook.url), ("result", "error")]).increment()
                let last = attempt == hook.maxRetries
                logger.log(
                    level: last ? .error : .warning, last ? "rollout webhook failed; giving up" : "rollout webhook failed; retrying",
                    metadata: ["url": "\(hook.url)", "attempt": "\(attempt + 1)", "error": "\(error)"])
            }
        }
    }

    struct WebhookError: Error, CustomStringConvertible {
        var description: String
    }
}
