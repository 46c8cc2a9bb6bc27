// Tollgate — HTTPAPI: Alertmanager's API v2 (`/api/v2`), which Prometheus and amtool call.

public import Hummingbird
public import Logging
import Model

/// `/api/v2/alerts` (GET, POST), `/api/v2/alerts/groups`, `/api/v2/silences` (GET, POST),
/// `/api/v2/silence/{silenceID}` (GET, DELETE), `/api/v2/receivers` and `/api/v2/status`,
/// answered from an ``AlertmanagerAPISource``.
///
/// Before the source is asked, the routes do what Alertmanager's go-openapi layer does: a
/// POST body must be `application/json` (else 415 `unsupported media type "text/plain",
/// only [application/json] are allowed`), a silence id must have the UUID form (else 422
/// `silenceID in path must be of type uuid: "x"`). A body over `maxBodyBytes` is refused
/// with 413, counted (`tollgate_http_api_rejected_requests_total{reason="max_alertmanager_body_bytes"}`)
/// and logged; Alertmanager has no limit, Tollgate keeps one. A reply the source marks
/// with ``APIReply/limit`` (too many alerts in one request, too many silences) is counted
/// and logged the same way.
public struct AlertmanagerRoutes: RouteRegistrar {
    let source: any AlertmanagerAPISource
    let limit: BodyLimit

    /// The routes' path prefix.
    public static let base = "/api/v2"

    /// Routes answering from `source`.
    /// - Parameters:
    ///   - maxBodyBytes: the largest POST body read (`--web.max-alertmanager-size`; Prometheus
    ///     sends batches of at most 256 alerts, far below the default 32 MiB).
    ///   - logger: where refused requests are logged.
    public init(source: any AlertmanagerAPISource, maxBodyBytes: Int = 32 << 20, logger: Logger) {
        self.source = source
        limit = BodyLimit(
            maxBytes: maxBodyBytes, reason: "max_alertmanager_body_bytes", flag: "--web.max-alertmanager-size", rejections: Rejections(logger: logger))
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let routes = self, source = source
        router.post("\(Self.base)/alerts") { request, _ in
            await routes.withBody(request) { await source.postAlerts($0) }
        }
        router.get("\(Self.base)/alerts") { request, _ in
            Self.response(await source.alerts(query: Self.queryItems(request.uri.query)))
        }
        router.get("\(Self.base)/alerts/groups") { request, _ in
            Self.response(await source.alertGroups(query: Self.queryItems(request.uri.query)))
        }
        router.get("\(Self.base)/silences") { request, _ in
            Self.response(await source.silences(query: Self.queryItems(request.uri.query)))
        }
        router.post("\(Self.base)/silences") { request, _ in
            await routes.withBody(request) { await source.postSilence($0) }
        }
        router.get("\(Self.base)/silence/{silenceID}") { _, context in
            let id = context.parameters.get("silenceID") ?? ""
            guard Self.isUUID(id) else { return Self.response(Self.badUUID(id)) }
            return Self.response(await source.silence(id: id))
        }
        router.delete("\(Self.base)/silence/{silenceID}") { _, context in
            let id = context.parameters.get("silenceID") ?? ""
            guard Self.isUUID(id) else { return Self.response(Self.badUUID(id)) }
            return Self.response(await source.expireSilence(id: id))
        }
        router.get("\(Self.base)/receivers") { _, _ in Self.response(await source.receivers()) }
        router.get("\(Self.base)/status") { _, _ in Self.response(await source.status()) }
    }

    /// Checks the content type, reads the body within the limit, and hands it over.
    private func withBody(_ request: Request, _ handle: ([UInt8]) async -> APIReply) async -> Response {
        let mediaType = Self.mediaType(request.headers[.contentType])
        guard mediaType == "application/json" else {
            return Self.response(Self.openAPIError(415, "unsupported media type \(Self.quote(mediaType)), only [application/json] are allowed"))
        }
        let body: [UInt8]
        switch await limit.read(request) {
        case .success(let bytes): body = bytes
        case .failure(let refusal): return Self.response(Self.openAPIError(413, refusal.message))
        }
        let reply = await handle(body)
        if let reason = reply.limit {
            limit.rejections.reject(reason, String(decoding: reply.body.prefix(512), as: UTF8.self), path: request.uri.path)
        }
        return Self.response(reply)
    }

    /// The media type of a `Content-Type` (lowercased, parameters dropped); go-openapi
    /// takes a missing one as `application/octet-stream`.
    static func mediaType(_ header: String?) -> String {
        let type = Array((header ?? "").utf8).prefix { $0 != UInt8(ascii: ";") }
        let trimmed = type.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return trimmed.isEmpty ? "application/octet-stream" : String(decoding: trimmed, as: UTF8.self).lowercased()
    }

    /// strfmt's UUID form: 32 hex digits in groups of 8-4-4-4-12, each hyphen optional.
    static func isUUID(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        for (index, count) in [8, 4, 4, 4, 12].enumerated() {
            if index > 0, bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard bytes.count >= count, bytes.prefix(count).allSatisfy(isHex) else { return false }
            bytes = bytes.dropFirst(count)
        }
        return bytes.isEmpty
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }

    /// 422 for a silence id that is not a UUID, as go-openapi answers.
    static func badUUID(_ id: String) -> APIReply {
        var reply = openAPIError(601, "silenceID in path must be of type uuid: \(quote(id))")
        reply.status = 422
        return reply
    }

    /// go-openapi's error body, `{"code":…,"message":…}`, with the code as status.
    static func openAPIError(_ code: Int, _ message: String) -> APIReply {
        var json = JSONWriter()
        json.object { json in
            json.key("code")
            json.integer(code)
            json.field("message", message)
        }
        return .json(json.bytes, status: code)
    }

    /// A text in double quotes with `"` and `\` escaped (Go's `%q` for printable text).
    static func quote(_ text: String) -> String {
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }

    /// The decoded query items in order, as Go's `url.ParseQuery` gives them: `+` is a
    /// space, items with `;` or a bad `%` escape are dropped.
    static func queryItems(_ query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        var items: [(String, String)] = []
        for part in Array(query.utf8).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if part.contains(UInt8(ascii: ";")) { continue }
            let equals = part.firstIndex(of: UInt8(ascii: "=")) ?? part.endIndex
            let name = part[..<equals]
            let value = equals < part.endIndex ? part[(equals + 1)...] : []
            guard let decodedName = unescape(name), let decodedValue = unescape(value) else { continue }
            items.append((decodedName, decodedValue))
        }
        return items
    }

    private static func unescape(_ bytes: ArraySlice<UInt8>) -> String? {
        var out: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// The HTTP response of a reply.
    static func response(_ reply: APIReply) -> Response {
        var headers = HTTPFields()
        if let type = reply.contentType { headers[.contentType] = type }
        return Response(status: .init(code: reply.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }
}
