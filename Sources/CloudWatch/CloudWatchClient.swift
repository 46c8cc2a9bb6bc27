// Tollgate — CloudWatch: signed Query-protocol calls through CurlHTTP, with retries.

public import CurlHTTP
import Foundation
import CoreMetrics
public import Model

/// An error of one CloudWatch call: the HTTP status and CloudWatch's error code, or a
/// transport failure (status 0). Its text never holds a secret.
public struct CloudWatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation (`GetMetricData`).
    public var operation: String
    /// The HTTP status; 0 when no answer came.
    public var status: Int
    /// CloudWatch's code (`Throttling`, `SignatureDoesNotMatch`), `transport`, `credentials` or `invalid_response`.
    public var code: String
    /// CloudWatch's message, or what went wrong.
    public var message: String

    /// Creates an error.
    public init(operation: String, status: Int, code: String, message: String) {
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
    }

    /// Throttling, `LimitExceeded`, 429, 5xx and transport failures: worth another try after a pause.
    public var isRetryable: Bool {
        Self.throttleCodes.contains(code) || status == 429 || (500...599).contains(status) || code == "transport"
    }

    /// Credentials refused: the next poll tries again, nothing sooner.
    public var isAuthentication: Bool { Self.authenticationCodes.contains(code) }

    static let throttleCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "LimitExceeded", "LimitExceededException",
        "RequestLimitExceeded", "TooManyRequestsException", "RequestThrottled", "ServiceUnavailable", "InternalServiceError",
        "InternalFailure",
    ]
    static let authenticationCodes: Set<String> = [
        "SignatureDoesNotMatch", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException",
        "IncompleteSignature", "InvalidSignatureException", "MissingAuthenticationToken", "AccessDenied", "AccessDeniedException",
        "AuthFailure",
    ]

    public var description: String {
        status == 0 ? "\(operation): \(code): \(message)" : "\(operation): HTTP \(status) \(code): \(message)"
    }
}

/// How often and how long to retry a throttled or failed call: exponential backoff with
/// full jitter (botocore's default of 5 attempts).
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The first pause's ceiling.
    public var base: Duration
    /// The longest pause.
    public var cap: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 5, base: Duration = .milliseconds(200), cap: Duration = .seconds(20)) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
    }

    /// A random pause in [0, min(cap, base × 2^retry)].
    public func pause(beforeRetry retry: Int) -> Duration {
        let ceiling = min(cap, base * (1 << min(retry, 20)))
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(0, nanoseconds)))
    }
}

/// Where a region's CloudWatch answers: `https://monitoring.<region>.amazonaws.com/` or the
/// job's `endpoint_url`.
public struct CloudWatchEndpoint: Sendable, Equatable {
    /// The URL requests go to.
    public var url: String
    /// The `host` header (with the port when it is not the scheme's default).
    public var host: String
    /// The path (`/`).
    public var path: String
    /// The signing region.
    public var region: String

    /// The endpoint for `region`, or `endpointURL` when given.
    public init(region: String, endpointURL: String?) {
        self.region = region
        let url = endpointURL ?? "https://monitoring.\(region).amazonaws.com/"
        var rest = Substring(url)
        var defaultPort = "443"
        if rest.hasPrefix("https://") {
            rest = rest.dropFirst(8)
        } else if rest.hasPrefix("http://") {
            rest = rest.dropFirst(7)
            defaultPort = "80"
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = String(rest[..<slash])
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        if authority.hasSuffix(":\(defaultPort)") { authority.removeLast(defaultPort.count + 1) }
        host = authority.lowercased()
        path = slash == rest.endIndex ? "/" : String(rest[slash...].prefix { $0 != "?" && $0 != "#" })
        self.url = url
    }
}

/// Calls CloudWatch: each call is a signed form POST through ``HTTPClient`` (libcurl's own
/// thread, never the cooperative pool), answered in XML; throttling and server errors are
/// retried with ``RetryPolicy``; every call and error is counted per job and operation.
public final class CloudWatchClient: Sendable {
    let http: HTTPClient
    let retry: RetryPolicy
    let clock: any MillisecondClock

    /// Creates a client over `http`.
    /// - Parameters:
    ///   - http: the shared libcurl client.
    ///   - retry: the backoff of throttled and failed calls.
    ///   - clock: the signing time's clock.
    public init(http: HTTPClient, retry: RetryPolicy = RetryPolicy(), clock: any MillisecondClock = SystemClock()) {
        self.http = http
        self.retry = retry
        self.clock = clock
    }

    /// One operation, retried while it is throttled or fails on the server side.
    /// - Parameters:
    ///   - action: the operation (`GetMetricData`).
    ///   - parameters: its Query-protocol parameters.
    ///   - endpoint: where to send it.
    ///   - credentials: what to sign with.
    ///   - timeoutMilliseconds: per attempt.
    ///   - job: the job label of the counters.
    /// - Returns: the answer's XML root.
    /// - Throws: ``CloudWatchError`` after the last attempt, or at once when it is not retryable.
    public func call(
        _ action: String, _ parameters: [(String, String)], endpoint: CloudWatchEndpoint, credentials: AWSCredentials,
        timeoutMilliseconds: Int = 30_000, job: String
    ) async throws(CloudWatchError) -> XMLElement {
        let body = QueryProtocol.formBody(action: action, parameters)
        var attempt = 0
        while true {
            do {
                return try await attemptOnce(action, body: body, endpoint: endpoint, credentials: credentials, timeout: timeoutMilliseconds, job: job)
            } catch {
                Counter(label: "tollgate_cloudwatch_errors_total", dimensions: [("job", job), ("operation", action), ("code", error.code)]).increment()
                attempt += 1
                guard error.isRetryable, attempt < retry.maxAttempts, !Task.isCancelled else { throw error }
                Counter(label: "tollgate_cloudwatch_retries_total", dimensions: [("job", job), ("operation", action)]).increment()
                do {
                    try await Task.sleep(for: retry.pause(beforeRetry: attempt - 1))
                } catch {
                    throw CloudWatchError(operation: action, status: 0, code: "cancelled", message: "cancelled")
                }
            }
        }
    }

    private func attemptOnce(
        _ action: String, body: [UInt8], endpoint: CloudWatchEndpoint, credentials: AWSCredentials, timeout: Int, job: String
    ) async throws(CloudWatchError) -> XMLElement {
        let contentType = "application/x-www-form-urlencoded; charset=utf-8"
        let signer = SigV4Signer(region: endpoint.region)
        let signature = signer.sign(
            method: "POST", path: endpoint.path, query: [], headers: [("host", endpoint.host), ("content-type", contentType)],
            body: body, credentials: credentials, at: clock.now())
        var request = HTTPClient.Request(url: endpoint.url)
        request.method = "POST"
        request.body = body
        request.timeoutMilliseconds = timeout
        request.maxBodySize = XMLReader.maxBytes
        request.followRedirects = false
        request.headers = [("Host", endpoint.host), ("Content-Type", contentType), ("Expect", "")] + signature.headers
        Counter(label: "tollgate_cloudwatch_requests_total", dimensions: [("job", job), ("operation", action)]).increment()
        let response: HTTPClient.Response
        do {
            response = try await http.execute(request)
        } catch {
            throw CloudWatchError(operation: action, status: 0, code: "transport", message: scrub("\(error)", credentials))
        }
        let root: XMLElement
        do {
            root = try XMLReader.read(response.body)
        } catch {
            let code = response.status >= 400 ? "HTTP\(response.status)" : "invalid_response"
            throw CloudWatchError(operation: action, status: response.status, code: code, message: error.description)
        }
        if let (code, message) = QueryProtocol.parseError(root) {
            throw CloudWatchError(operation: action, status: response.status, code: code, message: scrub(message, credentials))
        }
        guard (200..<300).contains(response.status) else {
            throw CloudWatchError(operation: action, status: response.status, code: "HTTP\(response.status)", message: "unexpected answer <\(root.name)>")
        }
        return root
    }

    /// `text` with the secret and the session token replaced by `<secret>`, should a server echo them.
    private func scrub(_ text: String, _ credentials: AWSCredentials) -> String {
        var text = text
        for secret in [credentials.secretAccessKey, credentials.sessionToken ?? ""] where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "<secret>")
        }
        return text
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
