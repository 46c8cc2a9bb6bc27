// Tollgate — HTTPAPI: the built-in web UI's routes; the pages themselves come from a PageSource (WebUI).

import Foundation
public import Hummingbird
import HTTPTypes
import Logging

/// One request for a page of the built-in UI, without Hummingbird's types.
public struct PageRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The page's path below `/ui/` (`""` for the overview, `targets`, `silences/expire`, …).
    public var page: String
    /// The URL query and, for a POST, the URL-encoded form body (body values first).
    public var form: APIForm

    public init(method: String, page: String, form: APIForm) {
        self.method = method
        self.page = page
        self.form = form
    }
}

/// A rendered page, or a redirect after a form.
public struct PageReply: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    /// Where a 303 sends the browser (relative to the page).
    public var location: String?

    public init(status: Int = 200, contentType: String = "text/html; charset=utf-8", body: [UInt8], location: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.location = location
    }

    /// 303 See Other to `location`.
    public static func seeOther(_ location: String) -> PageReply {
        PageReply(status: 303, contentType: "text/plain; charset=utf-8", body: Array("See Other\n".utf8), location: location)
    }
}

/// What renders the pages: the WebUI module.
public protocol PageSource: Sendable {
    func page(_ request: PageRequest) async -> PageReply
}

/// `GET /ui/` and `GET /ui/{page}` (with `/` redirected to `/ui/`), and `POST /ui/{page}` and
/// `POST /ui/{page}/{action}` for the forms. A POST must be a URL-encoded form within
/// `--web.max-request-size` (else 413, counted and logged), and, when the browser names
/// its origin (`Origin`, `Sec-Fetch-Site`), it must come
/// from this server's own pages: a cross-site form is refused with 403 before the source sees it.
public struct PageRoutes: RouteRegistrar {
    let source: any PageSource
    let limit: BodyLimit
    // Field names outside HTTPTypes' constants (valid names, so never nil).
    private static let fetchSite = HTTPField.Name("Sec-Fetch-Site")
    private static let origin = HTTPField.Name("Origin")
    private static let host = HTTPField.Name("Host")
    private static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")
    private static let frameOptions = HTTPField.Name("X-Frame-Options")

    /// Routes rendering from `source`.
    /// - Parameter maxBodyBytes: the largest form body read (`--web.max-request-size`).
    public init(source: any PageSource, maxBodyBytes: Int = 1 << 20) {
        self.source = source
        limit = BodyLimit(
            maxBytes: maxBodyBytes, reason: "max_request_bytes", flag: "--web.max-request-size", rejections: Rejections(logger: Logger(label: "tollgate.ui")))
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source, limit = limit
        router.get("/") { _, _ in Self.redirect("ui/") }
        // The router reads `/ui` and `/ui/` as one path; the pages' relative links need the slash.
        router.get("/ui") { request, _ in
            guard request.uri.path.hasSuffix("/") else { return Self.redirect("ui/") }
            return Self.response(await source.page(PageRequest(method: "GET", page: "", form: APIForm(query: request.uri.query, body: []))))
        }
        router.get("/ui/{page}") { request, context in
            let page = context.parameters.get("page") ?? ""
            return Self.response(await source.page(PageRequest(method: "GET", page: page, form: APIForm(query: request.uri.query, body: []))))
        }
        router.get("/ui/{page}/{name}") { request, context in
            let page = (context.parameters.get("page") ?? "") + "/" + (context.parameters.get("name") ?? "")
            return Self.response(await source.page(PageRequest(method: "GET", page: page, form: APIForm(query: request.uri.query, body: []))))
        }
        for pattern in ["/ui/{page}", "/ui/{page}/{name}"] {
            router.post(RouterPath(stringLiteral: pattern)) { request, context in
                var page = context.parameters.get("page") ?? ""
                if let action = context.parameters.get("name") { page += "/" + action }
                if let refusal = Self.refusal(request) { return refusal }
                let body: [UInt8]
                switch await limit.read(request) {
                case .success(let bytes): body = bytes
                case .failure(let refusal): return Self.plain(413, refusal.message + "\n")
                }
                let form = APIForm(query: request.uri.query, body: body)
                return Self.response(await source.page(PageRequest(method: "POST", page: page, form: form)))
            }
        }
    }

    /// Why a form POST is refused before it is read: not a URL-encoded form, or sent from another site.
    static func refusal(_ request: Request) -> Response? {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard type == "application/x-www-form-urlencoded" else {
            return plain(415, "a form must be sent as application/x-www-form-urlencoded\n")
        }
        if let site = Self.fetchSite.flatMap({ request.headers[$0] }), !["same-origin", "none"].contains(site.lowercased()) {
            return plain(403, "cross-site form refused\n")
        }
        if let origin = Self.origin.flatMap({ request.headers[$0] }), origin != "null" {
            // HTTP/1's Host arrives as the authority; a Host field, when one is left, counts too.
            let hosts = [request.head.authority, Self.host.flatMap { request.headers[$0] }].compactMap { $0 }.filter { !$0.isEmpty }
            let stripped = origin.replacingOccurrences(of: "http://", with: "").replacingOccurrences(of: "https://", with: "")
            guard hosts.contains(stripped) else { return plain(403, "cross-origin form refused\n") }
        }
        return nil
    }

    static func response(_ reply: PageReply) -> Response {
        var headers: HTTPFields = [.contentType: reply.contentType, .cacheControl: "no-store"]
        if let name = Self.contentTypeOptions { headers[name] = "nosniff" }
        if let name = Self.frameOptions { headers[name] = "DENY" }
        if let location = reply.location { headers[.location] = location }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .found, headers: [.location: location], body: .init())
    }

    static func plain(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
