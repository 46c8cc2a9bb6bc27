// Tollgate — HTTPAPI: TLS whose context is taken afresh for each new connection.

import HummingbirdCore
import Logging
import NIOCore
import NIOSSL

/// A Hummingbird child channel that puts TLS in front of `base`, like HummingbirdTLS's
/// `TLSChannel`, but asks ``WebSecurity`` for the context at every new connection, so a
/// renewed certificate or a changed `tls_server_config` serves the next connection without
/// a restart (exporter-toolkit's `GetConfigForClient`).
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let security: WebSecurity

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            guard let tls = security.tlsForNewConnection() else { throw ReloadingTLSError() }
            try channel.pipeline.syncOperations.addHandler(tls.handler())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ReloadingTLSChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}

/// The server was built for TLS and the configuration in force has none (never, since a
/// reload cannot turn TLS off).
struct ReloadingTLSError: Error {}
