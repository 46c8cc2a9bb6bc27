// Tollgate — HTTPAPI: remote-write intake, `POST /api/v1/write`.

public import Hummingbird
public import Logging

/// What the write endpoint hands a body to: decoding and the store's commit, without HTTP.
public protocol RemoteWriteIntake: Sendable {
    /// Decodes a remote-write 1.0 body (snappy-compressed protobuf `WriteRequest`) and
    /// commits its samples.
    /// - Returns: nil when every sample was stored; otherwise why the request is refused
    ///   (the body was bad and nothing was stored, or the store dropped some samples).
    /// - Throws: the store's errors (nothing stored: 500, the sender retries).
    func write(_ body: [UInt8]) async throws -> String?
}

/// `POST /api/v1/write`: remote write 1.0 as Prometheus's receiver answers it: 204 when
/// stored, 400 with the reason as plain text for a bad body (snappy, protobuf, labels) or
/// dropped samples (out of order, duplicates), 500 when the store failed.
///
/// Off unless `--web.enable-remote-write-receiver`: then 404 `remote write receiver needs
/// to be enabled with --web.enable-remote-write-receiver`, as Prometheus answers. A body
/// over the limit (`--web.max-remote-write-size`) is refused with 413, counted and logged.
public struct RemoteWriteRoutes: RouteRegistrar {
    let intake: any RemoteWriteIntake
    let enabled: Bool
    let limit: BodyLimit
    let logger: Logger

    /// The endpoint's path.
    public static let path = "/api/v1/write"

    /// Routes writing through `intake`.
    /// - Parameters:
    ///   - enabled: whether the receiver is on.
    ///   - maxBodyBytes: the largest compressed body accepted (the intake limits the decompressed size).
    ///   - logger: where refused requests are logged.
    public init(intake: any RemoteWriteIntake, enabled: Bool, maxBodyBytes: Int, logger: Logger) {
        self.intake = intake
        self.enabled = enabled
        self.logger = logger
        limit = BodyLimit(
            maxBytes: maxBodyBytes, reason: "max_remote_write_bytes", flag: "--web.max-remote-write-size", rejections: Rejections(logger: logger))
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let routes = self
        router.post(RouterPath(Self.path)) { request, _ in await routes.respond(to: request) }
    }

    private func respond(to request: Request) async -> Response {
        guard enabled else {
            return APIRouter.plain(.notFound, "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n")
        }
        let body: [UInt8]
        switch await limit.read(request) {
        case .success(let bytes): body = bytes
        case .failure(let refusal): return APIRouter.plain(.contentTooLarge, refusal.message + "\n")
        }
        do {
            if let refusal = try await intake.write(body) {
                logger.debug("remote write request refused", metadata: ["path": "\(Self.path)", "error": "\(refusal)"])
                return APIRouter.plain(.badRequest, refusal + "\n")
            }
            return Response(status: .noContent)
        } catch {
            logger.error("remote write failed", metadata: ["path": "\(Self.path)", "error": "\(error)"])
            return APIRouter.plain(.internalServerError, "\(error)\n")
        }
    }
}
