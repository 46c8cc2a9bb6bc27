// Tollgate — `tollgate import openmetrics --url`: backfill through a running server.

import CurlHTTP
import Foundation
import Gzip
import Storage

/// Sends a backfill file to a running server's `POST /api/v1/import/openmetrics` in
/// batches, each a valid OpenMetrics document, gzip-compressed. The server commits each
/// batch through its own appender, whole or not at all; a batch sent twice stores nothing
/// twice (its samples are no newer than what is stored, and are counted as rejected).
struct RemoteImport {
    /// The server's base URL, e.g. `http://127.0.0.1:9090`.
    let baseURL: String
    /// Sample lines per request.
    let batchSize: Int
    /// Per-request timeout.
    let timeoutMilliseconds: Int

    /// What the batches stored so far.
    struct Totals {
        var commit = CommitResult()
        var noTimestamp = 0
        var requests = 0
    }

    /// Why the import stopped.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends every batch of `text` in order, stopping at the first the server refuses.
    /// - Parameters:
    ///   - text: the decompressed OpenMetrics file.
    ///   - progress: called after every batch with the totals and the fraction sent.
    /// - Returns: the totals.
    /// - Throws: ``Failure`` naming the batch (by its first line) and the server's answer,
    ///   with the totals stored before it.
    func run(_ text: [UInt8], progress: (Totals, Double) -> Void) async throws(Failure) -> Totals {
        let client: HTTPClient
        do {
            client = try HTTPClient()
        } catch {
            throw Failure(description: "cannot start the HTTP client: \(error)")
        }
        defer { client.shutdown() }
        let url = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) + "/api/v1/import/openmetrics" : baseURL + "/api/v1/import/openmetrics"
        var batches = OpenMetricsBatches(text: text, samples: batchSize)
        var totals = Totals()
        var sent = 0
        while let (document, firstLine) = batches.next() {
            sent += document.count
            var request = HTTPClient.Request(url: url)
            request.method = "POST"
            request.timeoutMilliseconds = timeoutMilliseconds
            request.headers = [("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")]
            if let compressed = try? Gzip.compress(document, level: 1) {
                request.body = compressed
                request.headers.append(("Content-Encoding", "gzip"))
            } else {
                request.body = document
            }
            let response: HTTPClient.Response
            do {
                response = try await client.execute(request)
            } catch {
                throw Failure(description: "POST \(url) failed for the batch from line \(firstLine): \(error)\(stored(totals))")
            }
            guard response.status == 200, let counts = Self.counts(response.body) else {
                let message = Self.errorMessage(response.body) ?? String(decoding: response.body.prefix(500), as: UTF8.self)
                throw Failure(description: "the server refused the batch from line \(firstLine) (HTTP \(response.status)): \(message)\(stored(totals))")
            }
            totals.commit = totals.commit + CommitResult(
                appended: counts["samplesStored"] ?? 0, newSeries: counts["seriesCreated"] ?? 0,
                outOfOrder: counts["outOfOrder"] ?? 0, duplicate: counts["duplicate"] ?? 0)
            totals.noTimestamp += counts["noTimestamp"] ?? 0
            totals.requests += 1
            progress(totals, Double(sent) / Double(max(1, text.count)))
        }
        return totals
    }

    private func stored(_ totals: Totals) -> String {
        "\n  \(totals.commit.appended) samples were stored before it, in \(totals.requests) batches; sending the file again stores only what is missing."
    }

    /// The counts of a success answer.
    static func counts(_ body: [UInt8]) -> [String: Int]? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            json["status"] as? String == "success", let data = json["data"] as? [String: Any]
        else { return nil }
        return data.compactMapValues { $0 as? Int }
    }

    /// The `error` of an error answer.
    static func errorMessage(_ body: [UInt8]) -> String? {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return json["error"] as? String
    }
}
