// Tollgate — the server's parts: what each one brings to `serve`.

import HTTPAPI
import ServiceLifecycle
import TollgateConfig

/// One part of the server (storage, scraping, queries, and later rules, the notifier,
/// rollout guards): its long-lived services, its HTTP routes, and its reload step.
///
/// A part joins the server with one line in `ServeCommand` (`server.add(part)`); the
/// server runs its services in the one `ServiceGroup`, serves its routes, and gives it
/// every configuration, at start and on each reload.
protocol ServerPart: Sendable {
    /// A short name for logs (`storage`, `scrape`, …).
    var name: String { get }
    /// The loops this part runs until shutdown.
    var services: [any Service] { get }
    /// The HTTP routes this part answers.
    var routes: [any RouteRegistrar] { get }
    /// Checks `config` for this part and returns what applies it.
    ///
    /// Everything that can fail happens here: the server prepares every part before it
    /// applies any, so a configuration one part refuses leaves every part on the old one.
    /// - Returns: the step that applies `config`, or nil when this part has nothing to change.
    /// - Throws: what is wrong with `config` for this part.
    func prepare(_ config: TollgateConfig) async throws -> ReloadStep?
}

extension ServerPart {
    var services: [any Service] { [] }
    var routes: [any RouteRegistrar] { [] }
    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? { nil }
}

/// Applies a configuration a part has already checked; it cannot fail.
struct ReloadStep: Sendable {
    let apply: @Sendable () async -> Void

    init(_ apply: @escaping @Sendable () async -> Void) { self.apply = apply }
}
