// Tollgate — HTTPAPI: Prometheus's JSON envelope.

import Gzip
import Hummingbird

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

        var status: HTTPResponse.Status {
            switch self {
            case .badData: .badRequest
            case .execution: .unprocessableContent
            case .timeout: .serviceUnavailable
            case .canceled: .init(code: 499)
            case .internal: .internalServerError
            case .notFound: .notFound
            case .unavailable: .serviceUnavailable
            }
        }
    }

    /// `data` already rendered as JSON.
    case success(_ data: [UInt8])
    /// `data` with the warnings and infos a query produced (each list left out when empty).
    case annotated(_ data: [UInt8], warnings: [String], infos: [String])
    case error(_ type: ErrorType, _ message: String)

    /// The HTTP response.
    var response: Response { response(gzip: false) }

    /// The HTTP response, its body gzip-compressed when `gzip` is set.
    func response(gzip: Bool) -> Response {
        let (status, body) = rendered
        var headers: HTTPFields = [.contentType: "application/json"]
        var bytes = body
        if gzip, let compressed = try? Gzip.compress(body) {
            bytes = compressed
            headers[.contentEncoding] = "gzip"
            headers[.vary] = "Accept-Encoding"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The status and JSON body.
    var rendered: (HTTPResponse.Status, [UInt8]) {
        switch self {
        case .success(let data):
            return (.ok, Array("{\"status\":\"success\",\"data\":".utf8) + data + [UInt8(ascii: "}")])
        case .annotated(let data, let warnings, let infos):
            var body = Array("{\"status\":\"success\",\"data\":".utf8) + data
            for (name, list) in [("warnings", warnings), ("infos", infos)] where !list.isEmpty {
                var json = JSONWriter()
                json.array { json in
                    for text in list { json.string(text) }
                }
                body += Array(",\"\(name)\":".utf8) + json.bytes
            }
            return (.ok, body + [UInt8(ascii: "}")])
        case .error(let type, let message):
            var json = JSONWriter()
            json.object { json in
                json.field("status", "error")
                json.field("errorType", type.rawValue)
                json.field("error", message)
            }
            return (type.status, json.bytes)
        }
    }
}
