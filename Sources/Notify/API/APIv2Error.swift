// Tollgate — Notify: an API v2 refusal, with the status and body Alertmanager answers.

import Model

/// A refused API v2 request: the status code and the message, in one of the two bodies
/// Alertmanager writes: go-openapi's `{"code":602,"message":"…"}` for a body that does not
/// decode or fails the OpenAPI spec, a JSON string (`"…"` and a line feed) for a handler's
/// refusal.
public struct APIv2Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body's form.
    public enum Form: Sendable, Equatable {
        /// `{"code":<code>,"message":"…"}`, no line feed (go-openapi's `errors.Error`).
        case openAPI(code: Int)
        /// `"…"` and a line feed (a handler's payload).
        case text
    }

    /// The HTTP status.
    public var status: Int
    /// The message.
    public var message: String
    /// How the body carries it.
    public var form: Form

    /// Creates an error.
    public init(status: Int, message: String, form: Form) {
        self.status = status
        self.message = message
        self.form = form
    }

    public var description: String { message }

    /// The response body (its content type is `application/json` in both forms).
    public var body: [UInt8] {
        var json = JSONWriter()
        switch form {
        case .openAPI(let code):
            json.object { json in
                json.key("code")
                json.integer(code)
                json.key("message")
                json.goString(message)
            }
            return json.bytes
        case .text:
            json.goString(message)
            return json.bytes + [0x0A]
        }
    }

    /// 400 for a body Go's decoder refuses: `parsing <what> body from "" failed, because <why>`.
    static func parsing(_ what: String, _ why: String) -> APIv2Error {
        APIv2Error(status: 400, message: "parsing \(what) body from \"\" failed, because \(why)", form: .openAPI(code: 400))
    }

    /// 422, code 602: a required property is missing.
    static func required(_ path: String) -> APIv2Error {
        APIv2Error(status: 422, message: "\(path) in body is required", form: .openAPI(code: 602))
    }

    /// 422, code 601: a value does not have its format.
    static func format(_ path: String, _ format: String, _ value: String) -> APIv2Error {
        APIv2Error(status: 422, message: "\(path) in body must be of type \(format): \(GoString.quote(value))", form: .openAPI(code: 601))
    }

    /// 422, code 612: too few items.
    static func minItems(_ path: String, _ count: Int) -> APIv2Error {
        APIv2Error(status: 422, message: "\(path) in body should have at least \(count) items", form: .openAPI(code: 612))
    }

    /// 400 with a handler's message.
    static func badRequest(_ message: String) -> APIv2Error {
        APIv2Error(status: 400, message: message, form: .text)
    }
}
