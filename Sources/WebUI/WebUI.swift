// Tollgate — WebUI: the built-in web UI, server-rendered from the HTTPAPI seams.

import Foundation
import Mustache
public import HTTPAPI
public import Model
public import PromQLEngine
public import Storage

/// The pages of the built-in UI: overview, targets, rules and alerts, silences, rollouts,
/// graph and dashboards. Each page reads the same narrow sources the JSON API reads and is
/// rendered through Mustache (`Templates`); charts are SVG laid out by ``Chart``.
///
/// ```swift
/// let ui = WebUI(sources: .init(engine: engine, targets: scrape, rules: ruleManager))
/// let routes = PageRoutes(source: ui)     // HTTPAPI serves it under /ui/
/// ```
public struct WebUI: PageSource {
    /// Where the pages read from; a missing source leaves its page saying so.
    public struct Sources: Sendable {
        public var engine: Engine
        public var targets: (any TargetSource)?
        public var rules: (any RuleSource)?
        public var alertmanager: (any AlertmanagerAPISource)?
        public var rollouts: (any RolloutSource)?
        public var storage: (any StorageStatusSource)?
        public var dashboards: [Dashboard]
        /// Now, in milliseconds.
        public var now: @Sendable () -> Int64

        public init(
            engine: Engine, targets: (any TargetSource)? = nil, rules: (any RuleSource)? = nil, alertmanager: (any AlertmanagerAPISource)? = nil,
            rollouts: (any RolloutSource)? = nil, storage: (any StorageStatusSource)? = nil, dashboards: [Dashboard] = [],
            now: @escaping @Sendable () -> Int64 = { SystemClock().now() }
        ) {
            self.engine = engine
            self.targets = targets
            self.rules = rules
            self.alertmanager = alertmanager
            self.rollouts = rollouts
            self.storage = storage
            self.dashboards = dashboards
            self.now = now
        }
    }

    let sources: Sources

    public init(sources: Sources) { self.sources = sources }

    struct NavItem { let name: String; let href: String; let current: Bool }
    struct Layout { let title: String; let nav: [NavItem]; let body: String; let refresh: Int? }

    static let pages: [(page: String, name: String)] = [
        ("", "Overview"), ("targets", "Targets"), ("rules", "Rules and alerts"), ("silences", "Silences"), ("rollouts", "Rollouts"),
        ("graph", "Graph"), ("dashboards", "Dashboards"),
    ]

    public func page(_ request: PageRequest) async -> PageReply {
        let parts = request.page.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let top = parts.first ?? ""
        let rest = parts.count > 1 ? parts[1] : nil
        let base = parts.count > 1 ? "../" : ""
        if request.method == "POST" {
            switch (top, rest) {
            case ("silences", nil): return await createSilence(request.form)
            case ("silences", "expire"): return await expireSilence(request.form)
            default: return render(status: 405, "Not allowed", page: nil, base: base, template: "notFound", ["base": base])
            }
        }
        switch (top, rest) {
        case ("", nil): return render("Overview", page: "", base: base, template: "overview", await overview(), refresh: 30)
        case ("targets", nil): return render("Targets", page: "targets", base: base, template: "targets", await targets())
        case ("rules", nil), ("alerts", nil):
            return render("Rules and alerts", page: "rules", base: base, template: "rules", await rules(request.form))
        case ("silences", nil): return render("Silences", page: "silences", base: base, template: "silences", await silences(request.form))
        case ("rollouts", nil): return render("Rollouts", page: "rollouts", base: base, template: "rollouts", await rollouts())
        case ("rollouts", let id?):
            let view = await rollout(id: id)
            return render(status: view.error == nil ? 200 : 404, "Rollout \(id)", page: "rollouts", base: base, template: "rollout", view)
        case ("graph", nil): return render("Graph", page: "graph", base: base, template: "graph", await graph(request.form))
        case ("dashboards", nil): return render("Dashboards", page: "dashboards", base: base, template: "dashboards", dashboardList())
        case ("dashboards", let uid?):
            guard let dashboard = sources.dashboards.first(where: { $0.uid == uid }) else { break }
            return render(dashboard.title, page: "dashboards", base: base, template: "dashboard", await dashboardView(dashboard, request.form))
        default: break
        }
        return render(status: 404, "Not found", page: nil, base: base, template: "notFound", ["base": base])
    }

    /// Renders `view` with `template` inside the layout.
    func render(status: Int = 200, _ title: String, page: String?, base: String, template: String, _ view: Any, refresh: Int? = nil) -> PageReply {
        let body = Templates.library.render(view, withTemplate: template) ?? ""
        let nav = Self.pages.map { NavItem(name: $0.name, href: base + ($0.page.isEmpty ? "./" : $0.page), current: $0.page == page) }
        let html = Templates.library.render(Layout(title: title, nav: nav, body: body, refresh: refresh), withTemplate: "layout") ?? ""
        return PageReply(status: status, body: Array(html.utf8))
    }

    /// A label set as `name="value"` texts, `__name__` first as the bare name.
    static func labelTexts(_ labels: Labels, skipping: Set<String> = []) -> [String] {
        labels.compactMap { label in
            if skipping.contains(label.name) { return nil }
            return label.name == "__name__" ? label.value : "\(label.name)=\"\(label.value)\""
        }
    }

    static func labelTexts(_ labels: [String: String]) -> [String] {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
    }

    /// `2026-12-04 10:00:00 UTC` from milliseconds.
    static func time(_ ms: Int64?) -> String {
        guard let ms, ms > 0 else { return "never" }
        let text = Timestamp.rfc3339(milliseconds: ms)
        return text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    /// How long ago `ms` was, from `now`.
    static func ago(_ ms: Int64?, now: Int64) -> String {
        guard let ms, ms > 0 else { return "never" }
        let seconds = max(0, (now - ms) / 1000)
        if seconds < 120 { return "\(seconds)s ago" }
        if seconds < 7200 { return "\(seconds / 60)m ago" }
        if seconds < 172_800 { return "\(seconds / 3600)h ago" }
        return "\(seconds / 86_400)d ago"
    }

    /// A JSON body decoded, or nil.
    static func json(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }
}
