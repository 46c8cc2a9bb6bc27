// Tollgate — CurlHTTP: the asynchronous HTTP client over libcurl.

import CCurl
import Synchronization

/// An HTTP client over libcurl's multi interface: many transfers at once on one
/// dedicated thread, connections reused between requests to the same host,
/// HTTP/1.1 and HTTP/2, gzip decoding, TLS and proxies.
///
/// Share one client across the process; it is safe to call from any task.
///
/// ```swift
/// let client = try HTTPClient()
/// var request = HTTPClient.Request(url: "http://127.0.0.1:9100/metrics")
/// request.maxBodySize = 10 << 20
/// let response = try await client.execute(request)
/// print(response.status, response.body.count)
/// client.shutdown()
/// ```
/// Cancelling the calling task stops the transfer.
public final class HTTPClient: Sendable {
    private let loop: CurlLoop
    private let nextID = Atomic<UInt64>(1)
    /// Large bodies' buffers, given back by ``recycle(_:)``: at most 4 MiB kept, fifteen
    /// bodies of 2,000 series. The first scrapes, which wait on the store while it creates
    /// their series, hold many bodies at once; kept, they stayed for the life of the process
    /// (16 MiB kept were 80 bytes a series with 200,000 series), while later scrapes, spread
    /// over the interval, hold a few at a time.
    let bodies = BodyBuffers(budget: 4 << 20)

    /// Starts the client's thread.
    /// - Parameters:
    ///   - maxConnectionsPerHost: the most connections open to one host at once; 0 means no limit.
    ///   - maxIdleConnections: how many idle connections to keep for reuse (one per scrape target, say).
    /// - Throws: ``HTTPClientError/invalidRequest(_:)`` when libcurl cannot start.
    public init(maxConnectionsPerHost: Int = 0, maxIdleConnections: Int = 10_000) throws(HTTPClientError) {
        _ = Self.globalInit
        loop = try CurlLoop(maxConnectionsPerHost: maxConnectionsPerHost, maxIdleConnections: maxIdleConnections)
    }

    static let globalInit: Void = {
        curl_global_init(3)  // CURL_GLOBAL_ALL, a macro Swift cannot import
    }()

    /// Performs a request.
    /// - Parameters:
    ///   - request: what to send.
    ///   - sizeHint: bytes to reserve for the body (the last body's size from the same URL, say).
    /// - Returns: the response, whatever its status.
    /// - Throws: ``HTTPClientError`` for a timeout, an oversized body, a transport
    ///   failure or cancellation.
    public func execute(_ request: Request, sizeHint: Int = 0) async throws(HTTPClientError) -> Response {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Response, HTTPClientError>, Never>) in
                if Task.isCancelled { return continuation.resume(returning: .failure(.cancelled)) }
                do throws(HTTPClientError) {
                    let transfer = try Transfer(id: id, request: request, body: bodies.take(capacity: sizeHint)) { result in
                        continuation.resume(returning: consume result)
                    }
                    loop.submit(transfer)
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        } onCancel: {
            loop.cancel(id)
        }
        return try result.get()
    }

    /// Gives a response's body buffer back for a later request with a large size hint, once
    /// the caller is done with the body: a scrape loop's bodies reuse a few buffers instead
    /// of one fresh allocation each (see `BodyBuffers`). Pass it with `consume`: while the
    /// caller's copy holds the buffer, an empty one of its size is made and kept instead.
    public func recycle(_ response: consuming Response) {
        bodies.give(&response.body)
    }

    /// Stops the client's thread; transfers in flight fail with ``HTTPClientError/cancelled``.
    public func shutdown() {
        loop.shutdown()
    }
}
