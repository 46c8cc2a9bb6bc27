// Tollgate — the scale-out parts of `serve`: remote_write, the remote-write receiver, /federate.

import HTTPAPI
import Logging
import Model
import RemoteWrite
import ServiceLifecycle
import Storage
import Synchronization
import TollgateConfig

/// The `remote_write` section: every entry's queue, reading the store's log from its own
/// durable position, and its sender.
struct RemoteStoragePart: ServerPart {
    let storage: RemoteStorage
    var name: String { "remote_write" }
    var services: [any Service] { [storage] }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let prepared = try storage.prepare(config)
        let storage = storage
        return ReloadStep { await storage.apply(prepared) }
    }
}

/// `POST /api/v1/write`, off unless `--web.enable-remote-write-receiver`.
struct RemoteWriteReceiverPart: ServerPart {
    let receiver: RemoteWriteReceiver
    let enabled: Bool
    let maxBodyBytes: Int
    var name: String { "remote_write_receiver" }
    var routes: [any RouteRegistrar] {
        [RemoteWriteRoutes(intake: ReceiverIntake(receiver: receiver), enabled: enabled, maxBodyBytes: maxBodyBytes, logger: Logger(label: "tollgate.remote-write"))]
    }
}

/// The receiver behind HTTPAPI's seam.
struct ReceiverIntake: RemoteWriteIntake {
    let receiver: RemoteWriteReceiver

    func write(_ body: [UInt8]) async throws -> String? {
        switch try await receiver.write(body) {
        case .stored: nil
        case .rejected(let reason): reason
        case .partlyRejected(_, let reason): reason
        }
    }
}

/// `GET /federate`, with the running configuration's external labels.
struct FederationPart: ServerPart {
    let queryable: any Queryable
    let lookbackMilliseconds: Int64
    private let externalLabels = ExternalLabels()
    var name: String { "federation" }

    init(queryable: any Queryable, lookbackMilliseconds: Int64) {
        self.queryable = queryable
        self.lookbackMilliseconds = lookbackMilliseconds
    }

    var routes: [any RouteRegistrar] {
        let externalLabels = externalLabels
        return [
            FederateRoutes(queryable: queryable, lookbackMilliseconds: lookbackMilliseconds, clock: SystemClock()) {
                externalLabels.labels.withLock { $0 }
            }
        ]
    }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let externalLabels = externalLabels, labels = config.global.externalLabels
        return ReloadStep { externalLabels.labels.withLock { $0 = labels } }
    }

    /// The external labels of the configuration applied last.
    final class ExternalLabels: Sendable {
        let labels = Mutex<[String: String]>([:])
    }
}
