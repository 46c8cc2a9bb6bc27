// Tollgate — NotifySend: one JSON POST to a receiver, and Alertmanager's verdict on the answer
// (`notify.Retrier`: 2xx succeeds, 5xx and the listed codes are retried, the rest are not).

import CurlHTTP
import Model
import TollgateConfig

/// Posts a JSON body through the shared HTTP client with an `http_config`.
struct JSONPoster: Sendable {
    /// The client every integration shares.
    var client: HTTPClient

    /// Alertmanager's `User-Agent` for notification requests.
    static let userAgent = "Alertmanager/0.27.0 (Tollgate)"
    /// The longest response body read; receivers answer with a few bytes.
    static let maxResponseBody = 1 << 20
    /// The request timeout when the integration sets none; the retrier's deadline is shorter.
    static let defaultTimeoutMilliseconds = 300_000

    /// Posts `body` to `url`.
    /// - Parameters:
    ///   - body: The JSON text.
    ///   - url: The receiver's URL (kept out of error messages: it may hold a token).
    ///   - httpConfig: The integration's `http_config`.
    ///   - timeout: The integration's `timeout`; 0 for none.
    ///   - http2: Whether HTTP/2 may be negotiated (Alertmanager's webhook turns it off).
    ///   - headers: Extra headers (a Slack app token).
    /// - Returns: The response, or a failure: a secret that cannot be read is not retried,
    ///   a network error is.
    func post(
        _ body: String, to url: String, httpConfig: HTTPClientConfig, timeout: PromDuration, http2: Bool = true,
        headers: [(name: String, value: String)] = []
    ) async -> Result<HTTPClient.Response, SendFailure> {
        var request: HTTPClient.Request
        do {
            request = try httpConfig.request(url: url)
        } catch {
            return .failure(SendFailure("\(error)", retry: false))
        }
        request.method = "POST"
        request.body = Array(body.utf8)
        request.headers += [("User-Agent", Self.userAgent), ("Content-Type", "application/json")] + headers
        request.timeoutMilliseconds = timeout.milliseconds > 0 ? Int(timeout.milliseconds) : Self.defaultTimeoutMilliseconds
        request.maxBodySize = Self.maxResponseBody
        request.enableHTTP2 = request.enableHTTP2 && http2
        do {
            return .success(try await client.execute(request))
        } catch {
            // A timeout, a refused connection, a cancelled attempt: worth another try.
            return .failure(SendFailure("\(error)".replacing(url, with: "<redacted>"), retry: true))
        }
    }

    /// Alertmanager's `Retrier.Check`: nil for a 2xx answer, else the failure, retried for a
    /// 5xx status or one of `retryCodes`, with the details `details` gives (the body by default).
    static func check(
        _ response: HTTPClient.Response, retryCodes: Set<Int> = [], details: ((HTTPClient.Response) -> String)? = nil
    ) -> SendFailure? {
        let status = response.status
        if status / 100 == 2 { return nil }
        let retry = status / 100 == 5 || retryCodes.contains(status)
        var message = "unexpected status code \(status)"
        let detail = details.map { $0(response) } ?? String(decoding: response.body, as: UTF8.self)
        if !detail.isEmpty { message += ": \(detail)" }
        return SendFailure(message, retry: retry, reason: FailureReason(statusCode: status))
    }
}
