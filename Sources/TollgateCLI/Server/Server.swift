// Tollgate — the server: its parts, composed.

import HTTPAPI
import Logging
import ServiceLifecycle
import TollgateConfig

/// The parts `serve` runs, in the order they were added.
///
/// ```swift
/// var server = Server()
/// server.add(StoragePart(tsdb: tsdb, housekeeping: housekeeping))
/// server.add(ScrapePart(manager: scrape))
/// try await server.apply(config)              // all parts, or none
/// let group = ServiceGroup(services: server.services + [http], …)
/// ```
struct Server: Sendable {
    private(set) var parts: [any ServerPart] = []

    /// Adds a part: its services join the group, its routes the HTTP server, and it takes
    /// part in every configuration change.
    mutating func add(_ part: any ServerPart) { parts.append(part) }

    /// Every part's services, in order.
    var services: [any Service] { parts.flatMap(\.services) }

    /// Every part's routes, in order.
    var routes: [any RouteRegistrar] { parts.flatMap(\.routes) }

    /// Applies `config` to every part, or to none: each part checks it first, and only when
    /// all accept it does any apply it.
    /// - Throws: ``ReloadError`` naming the first part that refused, with its reason.
    func apply(_ config: TollgateConfig) async throws(ReloadError) {
        var steps: [ReloadStep] = []
        for part in parts {
            do {
                if let step = try await part.prepare(config) { steps.append(step) }
            } catch {
                throw ReloadError(part: part.name, reason: error)
            }
        }
        for step in steps { await step.apply() }
    }
}

/// A configuration a part refused; no part applied it.
struct ReloadError: Error, CustomStringConvertible {
    /// The part that refused.
    let part: String
    /// Why.
    let reason: any Error

    var description: String { "\(reason)" }
}
