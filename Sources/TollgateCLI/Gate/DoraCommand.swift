// Tollgate — `tollgate dora`: a server's DORA figures, each against its target.

import ArgumentParser
import CurlHTTP
import Foundation
import Model

/// `tollgate dora --url URL [--window 30d] [--output json]`: asks GET /api/v1/dora and
/// prints deployment frequency, lead time, change failure rate, time to restore and
/// deployment success rate, each with its target and whether it is met.
struct DoraCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dora",
        abstract: "Show a Tollgate server's DORA figures from its stored rollouts.",
        discussion: """
            Asks GET /api/v1/dora and prints one line per figure with its target. \
            Exit codes: 0 every figure with data meets its target; 1 one misses it; 3 the server could not be asked.
            """
    )

    @Option(help: "The Tollgate server's base URL (http://tollgate:9090).")
    var url: String

    @Option(help: "The window the figures cover (a duration: 30d); default the server's `dora.window`.")
    var window: String?

    @Option(help: "text or json.")
    var output = "text"

    @Option(help: "Timeout of the request (a duration).")
    var timeout = "30s"

    func validate() throws {
        if let window { guard let duration = PromDuration(parsing: window), duration.milliseconds > 0 else { throw ValidationError("--window: invalid duration \"\(window)\"") } }
        guard PromDuration(parsing: timeout) != nil else { throw ValidationError("--timeout: invalid duration \"\(timeout)\"") }
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json, not \"\(output)\"") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("--url must start with http:// or https://") }
    }

    func run() async throws {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        var request = HTTPClient.Request(url: base + "/api/v1/dora" + (window.map { "?window=\($0)" } ?? ""))
        request.timeoutMilliseconds = Int(PromDuration(parsing: timeout)?.milliseconds ?? 30_000)
        let response: HTTPClient.Response
        do {
            let client = try HTTPClient()
            defer { client.shutdown() }
            response = try await client.execute(request)
        } catch {
            FileHandle.standardError.write(Data("error: cannot ask \(request.url): \(error)\n".utf8))
            throw ExitCode(3)
        }
        let json = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard response.status == 200, let data = json?["data"] as? [String: Any], let figures = data["figures"] as? [String: Any] else {
            let message = json?["error"] as? String ?? String(decoding: response.body.prefix(500), as: UTF8.self)
            FileHandle.standardError.write(Data("error: the server answered HTTP \(response.status): \(message)\n".utf8))
            throw ExitCode(3)
        }
        let (text, missed) = Self.render(data: data, figures: figures)
        print(output == "json" ? String(decoding: response.body, as: UTF8.self) : text)
        if missed { throw ExitCode(1) }
    }

    /// The text form and whether a figure misses its target.
    static func render(data: [String: Any], figures: [String: Any]) -> (String, Bool) {
        let order = [
            ("deployment_frequency", "deployment frequency"), ("lead_time", "lead time for changes"), ("change_failure_rate", "change failure rate"),
            ("time_to_restore", "time to restore"), ("success_rate", "deployment success rate"),
        ]
        var lines = ["DORA over \(data["window"] as? String ?? "?") (\(data["from"] as? String ?? "") – \(data["to"] as? String ?? "")): "
            + "\(number(data["promoted"])) promoted, \(number(data["rolled_back"])) rolled back, \(number(data["active"])) active"]
        var missed = false
        for (key, title) in order {
            guard let figure = figures[key] as? [String: Any] else { continue }
            let unit = figure["unit"] as? String ?? ""
            let value = (figure["value"] as? NSNumber)?.doubleValue
            let target = (figure["target"] as? NSNumber)?.doubleValue ?? .nan
            let comparison = figure["comparison"] as? String == "at_least" ? ">=" : "<="
            let met = (figure["met"] as? NSNumber)?.boolValue
            if met == false { missed = true }
            let verdict = met.map { $0 ? "met" : "MISSED" } ?? "no data"
            let shown = value.map { format($0, unit) } ?? "—"
            lines.append("  \(title.padding(toLength: 24, withPad: " ", startingAt: 0)) \(shown.padding(toLength: 14, withPad: " ", startingAt: 0)) target \(comparison) \(format(target, unit))  \(verdict)")
        }
        return (lines.joined(separator: "\n"), missed)
    }

    static func format(_ value: Double, _ unit: String) -> String {
        switch unit {
        case "seconds": return PromDuration(milliseconds: Int64(value.rounded()) * 1000).description
        case "ratio": return String(format: "%.1f %%", value * 100)
        case "per_day": return String(format: "%.2f/day", value)
        default: return "\(value)"
        }
    }

    private static func number(_ value: Any?) -> Int { (value as? NSNumber)?.intValue ?? 0 }
}
