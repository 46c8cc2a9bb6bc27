// Tollgate — HTTPAPI: basic authentication and the web configuration's response headers.

import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TollgateConfig

/// Applies the web configuration in force to every request, as exporter-toolkit's
/// handler does: the configured headers go on every response (a header the route sets
/// itself wins), and with `basic_auth_users` a request needs one of those users, or a
/// `401 Unauthorized` with `WWW-Authenticate: Basic` answers it. With
/// `basic_auth_write_users`, a write (see ``WriteRequests``) needs one of those users: a
/// read user gets `403 Forbidden`. Write users may also read.
///
/// Refusals are counted in `tollgate_http_auth_failures_total` by reason (`missing`,
/// `invalid`, `not_a_writer`) and logged at info level without the credentials.
struct WebAccessMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let security: WebSecurity
    let prefix: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let config = security.current().config
        var response: Response
        if let refusal = await refusal(request, config) {
            response = refusal
        } else {
            do {
                response = try await next(request, context)
            } catch let error as any HTTPResponseError {
                response = try error.response(from: request, context: context)
            }
        }
        for (name, value) in config.headers {
            guard let field = HTTPField.Name(name), response.headers[field] == nil else { continue }
            response.headers[field] = value
        }
        return response
    }

    /// The answer refusing `request`, or nil when it may go on.
    private func refusal(_ request: Request, _ config: WebConfig) async -> Response? {
        let readers = config.basicAuthUsers, writers = config.basicAuthWriteUsers
        let path = String(request.uri.path.dropFirst(request.uri.path.hasPrefix(prefix) ? prefix.count : 0))
        let write = !writers.isEmpty && WriteRequests.isWrite(method: request.method.rawValue, path: path)
        guard write || !readers.isEmpty else { return nil }
        guard let (user, password) = Self.credentials(request) else { return refuse(.missing, path: path) }
        if write {
            if await security.verifier.verify(user: user, password: password, users: writers) { return nil }
            // A read user's right password still may not write.
            if readers[user] != nil, await security.verifier.verify(user: user, password: password, users: readers) {
                return refuse(.notAWriter, path: path, user: user)
            }
            return refuse(.invalid, path: path)
        }
        let users = readers.merging(writers) { reader, _ in reader }
        if await security.verifier.verify(user: user, password: password, users: users) { return nil }
        // A write user whose read entry has another password.
        if writers[user] != nil, readers[user] != nil, await security.verifier.verify(user: user, password: password, users: writers) { return nil }
        return refuse(.invalid, path: path)
    }

    private enum Reason: String { case missing, invalid, notAWriter = "not_a_writer" }

    private func refuse(_ reason: Reason, path: String, user: String? = nil) -> Response {
        Counter(label: "tollgate_http_auth_failures_total", dimensions: [("reason", reason.rawValue)]).increment()
        var metadata: Logger.Metadata = ["reason": "\(reason.rawValue)", "path": "\(path.prefix(200))"]
        if let user { metadata["user"] = "\(user)" }
        security.logger.info("request refused by basic authentication", metadata: metadata)
        if reason == .notAWriter {
            return APIRouter.plain(.forbidden, "Forbidden: this request changes something and needs a user of basic_auth_write_users\n")
        }
        var response = APIRouter.plain(.unauthorized, "Unauthorized\n")
        response.headers[.wwwAuthenticate] = "Basic"
        return response
    }

    /// The user and password of an `Authorization: Basic` header, as Go's `Request.BasicAuth` reads it.
    static func credentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6))), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
