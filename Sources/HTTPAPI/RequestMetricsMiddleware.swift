// Tollgate — HTTPAPI: Prometheus's HTTP request metrics.

import CoreMetrics
import Hummingbird
import Synchronization

/// Records every request as Prometheus's web handler does: `prometheus_http_requests_total`
/// by `handler` and `code`, and the histograms `prometheus_http_request_duration_seconds`
/// and `prometheus_http_response_size_bytes` by `handler`. The handler is the route's
/// pattern with Prometheus's spelling of parameters (`/api/v1/label/:name/values`), never
/// the requested path, so the number of series stays bounded.
///
/// ```swift
/// router.middlewares.add(RequestMetricsMiddleware())
/// ```
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = RequestMetricsCache()

    /// Creates the middleware.
    init() {}

    /// Passes the request on and records its outcome.
    /// - Parameters:
    ///   - request: the request.
    ///   - context: its context; the router has set the matched route's pattern by the time `next` returns.
    ///   - next: the rest of the chain.
    /// - Returns: the response of the rest of the chain.
    /// - Throws: what the rest of the chain throws, after counting it with the error's status.
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            cache.record(
                handler: context.endpointPath, code: response.status.code, elapsed: ContinuousClock.now - started,
                size: response.body.contentLength)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            cache.record(handler: context.endpointPath, code: status.code, elapsed: ContinuousClock.now - started, size: nil)
            throw error
        }
    }
}

/// The metric handles per handler and code, made once each.
final class RequestMetricsCache: Sendable {
    private struct Handles {
        var requests: [String: Counter] = [:]
        var durations: [String: Timer] = [:]
        var sizes: [String: Recorder] = [:]
    }

    private let handles = Mutex(Handles())

    /// Prometheus's handler label for a route pattern: `{name}` becomes `:name`; requests no
    /// route matched share one label.
    static func handlerLabel(_ endpointPath: String?) -> String {
        guard let endpointPath, !endpointPath.isEmpty else { return "other" }
        var label = ""
        var inParameter = false
        for character in endpointPath {
            switch character {
            case "{" where !inParameter:
                inParameter = true
                label.append(":")
            case "}" where inParameter:
                inParameter = false
            default:
                label.append(character)
            }
        }
        return label
    }

    /// Records one request.
    /// - Parameters:
    ///   - handler: the matched route's pattern, or nil.
    ///   - code: the response status code.
    ///   - elapsed: the time the handler took.
    ///   - size: the response body's length, when known.
    func record(handler endpointPath: String?, code: Int, elapsed: Duration, size: Int?) {
        let handler = Self.handlerLabel(endpointPath)
        let (requests, duration, sizes) = handles.withLock { h -> (Counter, Timer, Recorder) in
            let key = "\(handler) \(code)"
            let requests = h.requests[key] ?? Counter(label: "prometheus_http_requests_total", dimensions: [("code", "\(code)"), ("handler", handler)])
            h.requests[key] = requests
            let duration = h.durations[handler] ?? Timer(label: "prometheus_http_request_duration_seconds", dimensions: [("handler", handler)])
            h.durations[handler] = duration
            let sizes = h.sizes[handler] ?? Recorder(label: "prometheus_http_response_size_bytes", dimensions: [("handler", handler)])
            h.sizes[handler] = sizes
            return (requests, duration, sizes)
        }
        requests.increment()
        let (seconds, attoseconds) = elapsed.components
        duration.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        if let size { sizes.record(size) }
    }
}
