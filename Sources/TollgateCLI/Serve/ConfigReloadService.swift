// Tollgate — reloading the configuration on SIGHUP and `POST /-/reload`.

import CoreMetrics
import Foundation
import HTTPAPI
import Logging
import Model
import ServiceLifecycle
import TollgateConfig
import UnixSignals

/// Re-reads the configuration file and applies it to every part of the server, all or
/// nothing. A file that fails to load, or that any part refuses, leaves every part on the
/// running configuration; the outcome is logged and kept in
/// `prometheus_config_last_reload_successful`.
actor ConfigReloadService: Service, ConfigReloader {
    private let path: String?
    private let server: Server
    private let status: ConfigStatus
    private let logger: Logger
    private let clock: any MillisecondClock
    private let successful = Gauge(label: "prometheus_config_last_reload_successful")
    private let successTime = Gauge(label: "prometheus_config_last_reload_success_timestamp_seconds")
    /// Without a file, the configuration applied at start (the embedded default): a reload
    /// applies it again, so the files it and the flags name are read again.
    private var initial: TollgateConfig?

    init(path: String?, server: Server, status: ConfigStatus, logger: Logger, clock: any MillisecondClock = SystemClock()) {
        self.path = path
        self.server = server
        self.status = status
        self.logger = logger
        self.clock = clock
    }

    /// Applies a configuration already loaded (at start) and records the success.
    func applyInitial(_ config: TollgateConfig) async throws {
        try await server.apply(config)
        initial = config
        logWarnings(config)
        successful.record(1)
        successTime.record(Double(clock.now()) / 1000)
    }

    /// Loads the file again (or the embedded default) and applies it.
    func reload() async throws {
        guard let path else {
            guard let initial else { return }
            do {
                try await server.apply(initial)
                logger.info("configuration reloaded", metadata: ["config": "<embedded default>"])
            } catch {
                logger.error("configuration reload failed; the previous configuration stays", metadata: ["config": "<embedded default>", "error": "\(error)"])
                throw error
            }
            return
        }
        do {
            let (config, text) = try ServerSettings.loadWithText(path: path)
            try await server.apply(config)
            logWarnings(config)
            status.succeeded(text: text, at: Date(timeIntervalSince1970: Double(clock.now()) / 1000))
            successful.record(1)
            successTime.record(Double(clock.now()) / 1000)
            logger.info("configuration reloaded", metadata: ["config": "\(path)"])
        } catch {
            status.failed()
            successful.record(0)
            logger.error("configuration reload failed; the previous configuration stays", metadata: ["config": "\(path)", "error": "\(error)"])
            throw error
        }
    }

    /// Logs what the configuration asks for that this version does not do.
    private func logWarnings(_ config: TollgateConfig) {
        for warning in config.warnings {
            logger.warning("configuration has no effect yet", metadata: ["config": "\(warning.file)", "problem": "\(warning.located)"])
        }
    }

    /// Reloads on every SIGHUP until shutdown.
    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withGracefulShutdownHandler {
            for await _ in signals.cancelOnGracefulShutdown() {
                try? await reload()
            }
        } onGracefulShutdown: {}
    }
}
