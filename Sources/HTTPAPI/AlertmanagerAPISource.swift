// Tollgate — HTTPAPI: what Alertmanager's API v2 routes read, in bytes and strings.

/// An answer of the Alertmanager API: status, body and content type, already as
/// Alertmanager writes them (the notifier's codec renders them; this module passes them on).
public struct APIReply: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The body.
    public var body: [UInt8]
    /// The `Content-Type`, or nil for none (Alertmanager's empty answers carry none).
    public var contentType: String?
    /// Set when a limit refused the request: the `reason` it is counted under in
    /// `tollgate_http_api_rejected_requests_total` (and logged once per cause).
    public var limit: String?

    /// Creates a reply.
    public init(status: Int, body: [UInt8], contentType: String?) {
        self.status = status
        self.body = body
        self.contentType = contentType
    }

    /// A JSON answer (`application/json`), 200 unless told.
    public static func json(_ body: [UInt8], status: Int = 200) -> APIReply {
        APIReply(status: status, body: body, contentType: "application/json")
    }

    /// An answer without a body or content type: 200 for a stored alert batch or an expired
    /// silence, 404 for an unknown silence.
    public static func empty(status: Int = 200) -> APIReply {
        APIReply(status: status, body: [], contentType: nil)
    }
}

/// What `/api/v2` answers from: the notifier (a runtime actor holding the alert store,
/// silences, marker, groups and configuration), or a fake in tests.
///
/// The routes check what go-openapi checks before a handler runs (the body's size and
/// content type, the silence id's UUID form) and hand over the rest: raw bodies and decoded
/// query items (in order, repeated names kept). Each method answers with status, body and
/// content type; Notify's `PostableAlerts`, `PostableSilence`, `AlertFilter` and
/// `APIv2Encoder` produce them:
///
/// ```swift
/// func postAlerts(_ body: [UInt8]) async -> APIReply {
///     switch PostableAlerts.decode(body) {
///     case .failure(let error): return APIReply(status: error.status, body: error.body, contentType: "application/json")
///     case .success(let alerts):
///         let (_, problems) = store.post(alerts, now: clock.now())   // Notify's AlertStore
///         return problems.isEmpty ? .empty() : .json(JSONString(problems.joined(separator: "; ")), status: 400)
///     }
/// }
/// ```
public protocol AlertmanagerAPISource: Sendable {
    /// `POST /api/v2/alerts`: 200 with no body; 400 / 422 with the refusal.
    func postAlerts(_ body: [UInt8]) async -> APIReply
    /// `GET /api/v2/alerts` with `active`, `silenced`, `inhibited`, `unprocessed`, `filter`, `receiver`.
    func alerts(query: [(String, String)]) async -> APIReply
    /// `GET /api/v2/alerts/groups` with the same parameters.
    func alertGroups(query: [(String, String)]) async -> APIReply
    /// `GET /api/v2/silences` with `filter`.
    func silences(query: [(String, String)]) async -> APIReply
    /// `POST /api/v2/silences`: 200 `{"silenceID":…}`; 400 / 422; 404 for an unknown `id`.
    func postSilence(_ body: [UInt8]) async -> APIReply
    /// `GET /api/v2/silence/{id}` (the id has the UUID form): 200 or an empty 404.
    func silence(id: String) async -> APIReply
    /// `DELETE /api/v2/silence/{id}`: 200 with no body, or an empty 404.
    func expireSilence(id: String) async -> APIReply
    /// `GET /api/v2/receivers`.
    func receivers() async -> APIReply
    /// `GET /api/v2/status`.
    func status() async -> APIReply
}
