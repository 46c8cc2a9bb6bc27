// Tollgate — the built-in web UI part: WebUI's pages over the other parts' sources, served under /ui/.

import ArgumentParser
import HTTPAPI
import Model
import PromQLEngine
import WebUI

/// The web UI's flags.
struct UIFlags: ParsableArguments {
    @Option(
        name: .customLong("web.ui.dashboards"),
        help: ArgumentHelp("The folder of Grafana dashboard JSON files the UI's dashboards page draws.", valueName: "DIR"))
    var dashboards = "dashboards"
}

/// The built-in UI (`/ui/`): reads the sources the other parts already answer the API
/// from, so it is added last.
struct UIPart: ServerPart {
    let ui: WebUI
    /// `--web.max-request-size`: the largest form body.
    let maxBodyBytes: Int
    var name: String { "ui" }
    var routes: [any RouteRegistrar] { [PageRoutes(source: ui, maxBodyBytes: maxBodyBytes)] }

    /// The UI over `server`'s parts: targets, rules, the notifier, rollouts, the query API's engine and store.
    init(server: Server, engine: Engine, flags: UIFlags, maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        let parts = server.parts
        let query = parts.compactMap { $0 as? QueryPart }.first?.api
        let scrape = parts.compactMap { $0 as? ScrapePart }.first?.manager
        let rules = parts.compactMap { $0 as? RulesPart }.first?.manager
        let notifier = parts.compactMap { $0 as? NotifierPart }.first.map { NotifierAPI(notifier: $0.notifier) }
        let rollouts = parts.compactMap { $0 as? RolloutsPart }.first.map { RolloutAPI(manager: $0.manager) }
        let clock = SystemClock()
        ui = WebUI(
            sources: .init(
                engine: engine,
                targets: scrape, rules: rules, alertmanager: notifier, rollouts: rollouts, storage: query?.storage,
                dashboards: Dashboard.load(directory: flags.dashboards), now: { clock.now() }))
    }
}
