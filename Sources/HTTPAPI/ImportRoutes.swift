// Tollgate — HTTPAPI: backfill through the running server, `POST /api/v1/import/openmetrics`.

import Gzip
import Model
public import Hummingbird
public import Logging
public import Storage

/// What the import endpoint hands a body to: the server's own store, through its commit path.
public protocol SampleImporter: Sendable {
    /// Parses OpenMetrics text whose samples carry timestamps and commits them as one
    /// batch: all of it or, on an error, none of it.
    /// - Parameter text: the decompressed body.
    /// - Returns: what was stored and what was rejected.
    /// - Throws: ``ImportRejection`` when the text is malformed (nothing is stored); any
    ///   other error is the store's.
    func importOpenMetrics(_ text: [UInt8]) async throws -> ImportSummary
}

/// What one import stored and rejected.
public struct ImportSummary: Sendable, Equatable {
    /// The commit's counts: samples stored, series created, out-of-order and duplicate samples.
    public var commit: CommitResult
    /// Samples without a timestamp, skipped.
    public var noTimestamp: Int

    /// A summary with the given counts.
    public init(commit: CommitResult = CommitResult(), noTimestamp: Int = 0) {
        self.commit = commit
        self.noTimestamp = noTimestamp
    }
}

/// A body the importer refused as malformed; the message names the line.
public struct ImportRejection: Error, Sendable, CustomStringConvertible {
    /// What is wrong, and where.
    public var description: String

    /// A rejection with its message.
    public init(_ description: String) { self.description = description }
}

/// `POST /api/v1/import/openmetrics`: OpenMetrics text with timestamps (gzip allowed,
/// `Content-Encoding: gzip` or detected), committed through the server's own appender;
/// the answer counts what was stored and rejected:
///
/// ```
/// {"status":"success","data":{"seriesCreated":3,"samplesStored":1800,"outOfOrder":0,"duplicate":0,"noTimestamp":0}}
/// ```
///
/// An admin endpoint: unless enabled (`--web.enable-admin-api`), it answers 500
/// `admin APIs disabled`, as Prometheus's do. A body (compressed or not) over the limit
/// is refused with 413, counted and logged.
public struct ImportRoutes: RouteRegistrar {
    let importer: any SampleImporter
    let enabled: Bool
    let maxBodyBytes: Int
    let logger: Logger
    let limit: BodyLimit

    /// The endpoint's path.
    public static let path = "/api/v1/import/openmetrics"

    /// Routes importing through `importer`.
    /// - Parameters:
    ///   - enabled: whether the admin API is on; off, every request is refused.
    ///   - maxBodyBytes: the largest body accepted, before and after decompression.
    ///   - logger: where refused requests are logged.
    public init(importer: any SampleImporter, enabled: Bool, maxBodyBytes: Int, logger: Logger) {
        self.importer = importer
        self.enabled = enabled
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        limit = BodyLimit(maxBytes: maxBodyBytes, reason: "max_import_bytes", flag: "--web.max-import-size", rejections: Rejections(logger: logger))
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let routes = self
        router.post(RouterPath(Self.path)) { request, _ in await routes.respond(to: request) }
    }

    private func respond(to request: Request) async -> Response {
        guard enabled else { return APIResult.error(.unavailable, "admin APIs disabled").response }
        var body: [UInt8]
        switch await limit.read(request) {
        case .success(let bytes): body = bytes
        case .failure(let refusal): return tooLarge(refusal)
        }
        let encoding = request.headers[.contentEncoding]?.lowercased()
        if encoding == "gzip" || encoding == "x-gzip" || Gzip.isGzip(body) {
            do {
                body = try Gzip.decompress(body, limit: maxBodyBytes)
            } catch {
                if error.exceededLimit { return tooLarge(limit.refuse(path: Self.path)) }
                return APIResult.error(.badData, "cannot decompress the body: \(error)").response
            }
        }
        do {
            let summary = try await importer.importOpenMetrics(body)
            let counts = [
                ("seriesCreated", summary.commit.newSeries), ("samplesStored", summary.commit.appended),
                ("outOfOrder", summary.commit.outOfOrder), ("duplicate", summary.commit.duplicate), ("noTimestamp", summary.noTimestamp),
            ]
            var json = JSONWriter()
            json.object { json in
                for (name, value) in counts {
                    json.key(name)
                    json.integer(value)
                }
            }
            return APIResult.success(json.bytes).response
        } catch let rejection as ImportRejection {
            return APIResult.error(.badData, rejection.description).response
        } catch {
            logger.error("import failed", metadata: ["path": "\(Self.path)", "error": "\(error)"])
            return APIResult.error(.internal, "\(error)").response
        }
    }

    /// 413 with the refusal's message (counted and logged by the limit).
    private func tooLarge(_ refusal: BodyLimit.Refusal) -> Response {
        APIResult.refused(.badData, refusal.message + "; send smaller batches", status: .contentTooLarge).response
    }
}
