// Tollgate — HTTPAPI: request bodies read up to a limit, refusals counted and logged.

import Hummingbird

/// A limit on the body of one endpoint; every route that reads a body reads it through
/// one. A larger body is not read further: the refusal is counted in
/// `tollgate_http_api_rejected_requests_total{reason}` and logged once per cause
/// (``Rejections``), and the caller answers 413 in its endpoint's own form.
///
/// ```swift
/// let limit = BodyLimit(maxBytes: 32 << 20, reason: "max_import_bytes", flag: "--web.max-import-size", rejections: rejections)
/// switch await limit.read(request) {
/// case .success(let body): …
/// case .failure(let refusal): return tooLarge(refusal.message)
/// }
/// ```
struct BodyLimit: Sendable {
    /// The most bytes read.
    let maxBytes: Int
    /// The `reason` label of the rejection counter.
    let reason: String
    /// The flag that sets the limit, named in the refusal.
    let flag: String
    /// Where refusals are counted and logged.
    let rejections: Rejections

    /// A body over the limit: the message to answer with, already counted and logged.
    struct Refusal: Error {
        let message: String
    }

    /// The whole body of `request`, or the refusal when it is larger than the limit.
    func read(_ request: Request) async -> Result<[UInt8], Refusal> {
        var request = request
        do {
            return .success(Array(try await request.collectBody(upTo: maxBytes).readableBytesView))
        } catch {
            return .failure(refuse(path: request.uri.path))
        }
    }

    /// Counts and logs a body over the limit (also one found too large after decompression).
    func refuse(path: String) -> Refusal {
        let message = "request body too large: the limit is \(maxBytes) bytes (\(flag))"
        rejections.reject(reason, message, path: path)
        return Refusal(message: message)
    }
}
