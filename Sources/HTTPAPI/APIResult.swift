// Tollgate — HTTPAPI: Prometheus's JSON envelope.

import Hummingbird

/// The outcome of an API call, rendered in Prometheus's envelope:
/// `{"status":"success","data":…}` or `{"status":"error","errorType":…,"error":…}`.
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
    case error(_ type: ErrorType, _ message: String)

    /// The HTTP response.
    var response: Response {
        var json = JSONWriter()
        let status: HTTPResponse.Status
        switch self {
        case .success(let data):
            status = .ok
            return Response(
                status: status, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: Array("{\"status\":\"success\",\"data\":".utf8) + data + [UInt8(ascii: "}")])))
        case .error(let type, let message):
            status = type.status
            json.object { json in
                json.field("status", "error")
                json.field("errorType", type.rawValue)
                json.field("error", message)
            }
        }
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }
}
