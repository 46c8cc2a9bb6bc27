// Tollgate — HTTPAPI: Prometheus's JSON envelope.

import Gzip
import Hummingbird
import Model

/// The outcome of an API call, rendered in Prometheus's envelope:
/// `{"status":"success","data":…,"warnings":[…],"infos":[…]}` or
/// `{"status":"error","errorType":…,"error":…}`.
enum APIResult {
    /// Prometheus's error types and their status codes.
    enum ErrorType: String {
        case badData = "bad_data"
        case execution
        case timeout
        case canceled
        case `internal`
        case notFound = "not_found"
        case unavailable
        /// The request conflicts with the resource's state (a rollout that may not advance).
        case conflict

        var status: HTTPResponse.Status {
            switch self {
            case .badData: .badRequest
            case .execution: .unprocessableContent
            case .timeout: .serviceUnavailable
            case .canceled: .init(code: 499)
            case .internal: .internalServerError
            case .notFound: .notFound
            // Prometheus's respondError has no case for it: the default, 500 (checked against 2.42).
            case .unavailable: .internalServerError
            case .conflict: .conflict
            }
        }
    }

    /// `data` already rendered as JSON.
    case success(_ data: [UInt8])
    /// `data` with the warnings and infos a query produced (each list left out when empty).
    case annotated(_ data: [UInt8], warnings: [String], infos: [String])
    case error(_ type: ErrorType, _ message: String)
    /// An error answered with its own status rather than its type's: a query refused by a
    /// full queue is `unavailable` with 503 (Prometheus's type would give 500).
    case refused(_ type: ErrorType, _ message: String, status: HTTPResponse.Status)

    /// The HTTP response.
    var response: Response { response(gzip: false) }

    /// The HTTP response, its body gzip-compressed when `gzip` is set.
    func response(gzip: Bool) -> Response {
        let (status, body) = rendered
        var headers: HTTPFields = [.contentType: "application/json"]
        if gzip, let compressed = try? Gzip.compress(Array(body.readableBytesView)) {
            headers[.contentEncoding] = "gzip"
            headers[.vary] = "Accept-Encoding"
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: compressed)))
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// The status and JSON body, written once into the buffer the response sends
    /// (a query answer can be megabytes).
    var rendered: (HTTPResponse.Status, ByteBuffer) {
        switch self {
        case .success(let data):
            return (.ok, Self.envelope(data, []))
        case .annotated(let data, let warnings, let infos):
            return (.ok, Self.envelope(data, [("warnings", warnings), ("infos", infos)]))
        case .error(let type, let message):
            return (type.status, Self.errorBody(type, message))
        case .refused(let type, let message, let status):
            return (status, Self.errorBody(type, message))
        }
    }

    /// `{"status":"error","errorType":…,"error":…}`.
    private static func errorBody(_ type: ErrorType, _ message: String) -> ByteBuffer {
        var json = JSONWriter()
        json.object { json in
            json.field("status", "error")
            json.field("errorType", type.rawValue)
            json.field("error", message)
        }
        return ByteBuffer(bytes: json.bytes)
    }

    /// `{"status":"success","data":…}` with each non-empty list of annotations.
    private static func envelope(_ data: [UInt8], _ lists: [(String, [String])]) -> ByteBuffer {
        var json = JSONWriter()
        for (name, list) in lists where !list.isEmpty {
            json.key(name)
            json.array { json in
                for text in list { json.string(text) }
            }
        }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(data.count + json.bytes.count + 32)
        buffer.writeString("{\"status\":\"success\",\"data\":")
        buffer.writeBytes(data)
        if !json.bytes.isEmpty {
            buffer.writeString(",")
            buffer.writeBytes(json.bytes)
        }
        buffer.writeString("}")
        return buffer
    }
}
