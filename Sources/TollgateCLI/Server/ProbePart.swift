// Tollgate — the probe part: blackbox_exporter's `/probe`, its modules and their reloads.

import HTTPAPI
import Probe
import TollgateConfig

/// Health probes: `/probe?module=M&target=T` answered by Probe's handler, with the modules
/// of `--probe.config` (which wins) or tollgate.yml's `probe_modules:`.
struct ProbePart: ServerPart, ProbeSource {
    let handler: ProbeHandler
    let flags: ProbeFlags
    var name: String { "probe" }
    var routes: [any RouteRegistrar] { [ProbeRoutes(source: self)] }

    /// Reads the modules `config` (or the flag's file) names before anything changes.
    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let modules = try flags.modules(config)
        let handler = handler
        return ReloadStep { handler.apply(modules) }
    }

    func probe(query: [(String, String)], scrapeTimeout: String?) async -> APIReply {
        let reply = await handler.respond(query: query, scrapeTimeout: scrapeTimeout)
        return APIReply(status: reply.status, body: reply.body, contentType: reply.contentType)
    }
}
