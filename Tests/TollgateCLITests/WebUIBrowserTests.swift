// Tollgate — the built-in UI in a real browser: headless Chromium loads every page of a running
// Tollgate holding the demo; the DOM holds the rows, the charts have lines, the silence form works.

import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Debian's `chromium`, run headless (as root it needs `--no-sandbox`), always through
/// ``Binary/runDetached(_:stdin:executable:)`` so it never holds a cooperative thread, and
/// at the lowest priority (`nice -n 19`) so the suite's timing-sensitive tests keep the CPU.
enum Chromium {
    static let binary = ["/usr/bin/chromium"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func run(_ arguments: [String], profile: URL) async throws -> Binary.Result {
        return try await Binary.runDetached(
            ["-n", "19", binary ?? "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=\(profile.path)"] + arguments,
            executable: URL(fileURLWithPath: "/usr/bin/nice"))
    }

    /// The page's DOM after it loaded, serialised.
    static func dom(_ url: String, profile: URL) async throws -> String {
        try await run(["--dump-dom", url], profile: profile).stdout
    }

    /// A screenshot of the page (1280 wide: a laptop; 390: a phone), as PNG at `file`.
    static func screenshot(_ url: String, to file: URL, profile: URL, width: Int = 1280, height: Int = 900) async throws {
        _ = try await run(["--hide-scrollbars", "--window-size=\(width),\(height)", "--screenshot=\(file.path)", url], profile: profile)
    }
}

final class WebUIBrowserTests: Sendable {
    let scratch = TemporaryDirectories()

    static let screenshots = Binary.repositoryRoot.appendingPathComponent(".build/ui-screenshots")

    @Test(.enabled(if: Chromium.binary != nil, "Debian's chromium (make deps-test installs it)"))
    func everyPageWorksInHeadlessChromium() async throws {
        let demo = try await DemoServer.start(scratch)
        let server = demo.server
        let base = "http://127.0.0.1:\(server.port)/ui/"
        let profile = try scratch.make("chromium")
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        // The alert and the down target are there before the pages are read.
        _ = try await RulesServeTests.eventually({ try await server.get("/api/v1/alerts").1 }) { $0.contains("\"state\":\"firing\"") }
        _ = try await RulesServeTests.eventually({ try await server.get("/api/v1/targets").1 }) { $0.contains("\"health\":\"down\"") && $0.contains("\"health\":\"up\"") }

        // Overview: the cards, the firing alert, the rollout in progress.
        let overview = try await Chromium.dom(base, profile: profile)
        #expect(overview.contains("<h1>Overview</h1>"), "\(overview.prefix(400))")
        #expect(overview.contains("id=\"card-targets\"") && overview.contains("id=\"card-series\""))
        #expect(overview.contains("DemoErrorRatioHigh"), "the firing alert is listed")
        #expect(overview.contains("rollouts/\(demo.rollout)"), "the rollout in progress is listed")
        #expect(overview.contains("name=\"viewport\""))

        // Targets: one row per target, the down one with its error.
        let targets = try await Chromium.dom(base + "targets", profile: profile)
        #expect(targets.matches(of: /<tr class="target">/).count == 2, "\(targets.prefix(2000))")
        #expect(targets.contains("http://127.0.0.1:1/metrics") && targets.contains("class=\"down\"") && targets.contains("class=\"up\""))
        #expect(targets.contains("connection refused") || targets.contains("Connection refused") || targets.contains("Couldn't connect"), "the scrape error is shown")

        // Rules and alerts: the shipped groups, the firing alert with its labels.
        let rules = try await Chromium.dom(base + "rules", profile: profile)
        #expect(rules.contains("DemoErrorRatioHigh") && rules.contains("slo-api-availability-recording"))
        #expect(rules.contains("<tr class=\"alert\"><td></td><td class=\"firing\">firing</td>"), "a firing alert row")
        #expect(rules.contains("version=\"v2\""), "the alert's labels")

        // Rollouts: the list and DORA, then the rollout with its stages and stored decisions' evidence.
        let rollouts = try await Chromium.dom(base + "rollouts", profile: profile)
        #expect(rollouts.contains(demo.rollout) && rollouts.contains("id=\"dora-figures\""))
        let rollout = try await Chromium.dom(base + "rollouts/\(demo.rollout)", profile: profile)
        #expect(rollout.contains("id=\"stages-table\"") && rollout.contains("<td>10%</td>") && rollout.contains("<td>1h</td>"))
        #expect(rollout.contains("class=\"no-go\""), "the no-go decision")
        #expect(rollout.contains("<td>error-ratio</td>") && rollout.contains("fails when &gt; 0.01"), "the check against its threshold")
        #expect(rollout.contains("<td class=\"fail\">fail</td>"))
        #expect(rollout.contains("class=\"reason\""), "the reason")
        #expect(rollout.contains("data-name=\"canary\"") && rollout.contains("data-name=\"baseline\""), "the samples side by side")
        #expect(rollout.components(separatedBy: "<circle ").count > 2)

        // Graph: lines with points, axes and a legend; a bad query shows Prometheus's error; user text is escaped.
        let expr = DemoServer.encode(#"sum by (version) (rate(http_requests_total{service="seed-api",code="500"}[5m]))"#)
        let graph = try await Chromium.dom(base + "graph?expr=\(expr)&range=1h", profile: profile)
        let points = try #require(graph.firstMatch(of: /<polyline class="series"[^>]* points="([^"]+)"/), "\(graph.prefix(3000))")
        #expect(points.1.split(separator: " ").count > 100, "a line with many points")
        #expect(graph.matches(of: /<polyline class="series"/).count == 2, "v1 and v2")
        #expect(graph.contains("role=\"img\"") && graph.contains("aria-label=\""))
        #expect(graph.contains("{version=\"v1\"}"), "the legend")
        let bad = try await Chromium.dom(base + "graph?expr=\(DemoServer.encode("sum(rate(up[5m])"))", profile: profile)
        #expect(bad.contains("id=\"query-error\"") && bad.contains("parse error"), "\(bad.suffix(1500))")
        let hostile = try await Chromium.dom(base + "graph?expr=\(DemoServer.encode(#"up{job="<img src=x onerror=alert(1)>"}"#))", profile: profile)
        #expect(!hostile.contains("<img"), "user text is escaped")
        #expect(hostile.contains("&lt;img src=x onerror=alert(1)&gt;"))

        // Dashboards: the four, each drawn by Tollgate with time-series charts and stat values.
        let list = try await Chromium.dom(base + "dashboards", profile: profile)
        for uid in ["tollgate-application", "tollgate-infrastructure", "tollgate-errors", "tollgate-business"] {
            #expect(list.contains("dashboards/\(uid)"), "\(uid)")
            let page = try await Chromium.dom(base + "dashboards/\(uid)", profile: profile)
            #expect(page.matches(of: /<polyline class="series"[^>]* points="[0-9]/).count >= 2, "\(uid) draws lines")
            #expect(page.contains("class=\"stat\""), "\(uid) has stat panels")
            #expect(!page.contains("class=\"errorbox\""), "\(uid): \(page.matches(of: /class="errorbox">([^<]*)/).map(\.1))")
        }

        // Silences: the form creates one (a browser's form POST), the API lists it, the page shows it; expiring it works.
        let (created, _) = try await DemoServer.post(
            server, "/ui/silences", "matchers=\(DemoServer.encode(#"alertname="DemoErrorRatioHigh", version=~"v2""#))&duration=2h&createdBy=ui-test&comment=\(DemoServer.encode("checking <v2>"))",
            contentType: "application/x-www-form-urlencoded", headers: ["Origin": "http://127.0.0.1:\(server.port)"])
        #expect(created == 303)
        let (_, listed, _) = try await server.get("/api/v2/silences")
        let silences = try #require(try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [[String: Any]])
        let silence = try #require(silences.first { $0["createdBy"] as? String == "ui-test" }, "\(listed)")
        #expect(silence["comment"] as? String == "checking <v2>")
        #expect((silence["matchers"] as? [[String: Any]])?.count == 2)
        let id = try #require(silence["id"] as? String)
        let silencePage = try await Chromium.dom(base + "silences", profile: profile)
        #expect(silencePage.contains("data-id=\"\(id)\"") && silencePage.contains("checking &lt;v2&gt;"))
        #expect(silencePage.contains("<label for=\"matchers\">"), "inputs have labels")
        try await Chromium.screenshot(base + "silences", to: Self.screenshots.appendingPathComponent("silences.png"), profile: profile)

        // Forms from another site, or not forms, are refused before anything changes.
        let (crossSite, _) = try await DemoServer.post(
            server, "/ui/silences", "matchers=a%3D%22b%22&duration=1h&createdBy=x&comment=y", contentType: "application/x-www-form-urlencoded",
            headers: ["Origin": "http://evil.example"])
        #expect(crossSite == 403)
        let (json, _) = try await DemoServer.post(server, "/ui/silences", "{}", contentType: "application/json")
        #expect(json == 415)
        let (expired, _) = try await DemoServer.post(server, "/ui/silences/expire", "id=\(id)", contentType: "application/x-www-form-urlencoded")
        #expect(expired == 303)
        let (_, after, _) = try await server.get("/api/v2/silence/\(id)")
        #expect(after.contains("\"state\":\"expired\""), "\(after)")

        // A screenshot of each page, for a person to look at.
        for (name, path, height) in [
            ("overview", "", 900), ("targets", "targets", 700), ("rules", "rules", 900), ("rollouts", "rollouts", 700),
            ("rollout", "rollouts/\(demo.rollout)", 1400), ("graph", "graph?expr=\(expr)&range=1h", 800),
            ("dashboard-application", "dashboards/tollgate-application", 1600),
        ] {
            let file = Self.screenshots.appendingPathComponent("\(name).png")
            try await Chromium.screenshot(base + path, to: file, profile: profile, height: height)
            #expect(((try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0) > 5000, "\(name).png")
        }
        // And on a phone's width: the page folds to one column.
        let phone = Self.screenshots.appendingPathComponent("overview-phone.png")
        try await Chromium.screenshot(base, to: phone, profile: profile, width: 390, height: 844)
        #expect(((try? FileManager.default.attributesOfItem(atPath: phone.path)[.size] as? Int) ?? 0) > 5000)
        #expect(server.stop() == 0)
    }
}
