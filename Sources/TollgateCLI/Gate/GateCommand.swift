// Tollgate — `tollgate gate`: a pipeline step that asks a server's guard for go / no-go.

import ArgumentParser
import CurlHTTP
import Foundation
import Model

/// `tollgate gate --url URL (--guard G --service S --version V [--baseline B] | --rollout ID) [--wait D]`:
/// asks the decision endpoint and exits with the decision, so a shell pipeline can gate
/// a rollout step on it.
struct GateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Ask a Tollgate server's rollout guard for go / no-go.",
        discussion: """
            Asks GET /api/v1/guards/GUARD/decision (or, with --rollout ID, a stored rollout's \
            GET /api/v1/rollouts/ID/decision) and prints the decision, the reason and \
            one line per check (or the server's JSON with --output json). With --wait, asks \
            again every --interval until the decision is go or no-go or the wait ends.

            Exit codes: 0 go; 1 no-go; 2 inconclusive or pending when the wait ends; \
            3 the server could not be asked or refused the question (unreachable, unknown \
            guard, bad parameters, an answer that is not a decision).
            """
    )

    @Option(help: "The Tollgate server's base URL (http://tollgate:9090).")
    var url: String

    @Option(name: .customLong("guard"), help: "The guard's name (not with --rollout).")
    var guardName: String?

    @Option(help: "The service ($service) (not with --rollout).")
    var service: String?

    @Option(help: "The new version ($version) (not with --rollout).")
    var version: String?

    @Option(help: "A stored rollout's id: ask its decision at its current stage (pending while the stage is watched).")
    var rollout: String?

    @Option(help: "The baseline version ($baseline), for comparison checks.")
    var baseline: String?

    @Option(help: "Keep asking until go or no-go, at most this long (a duration: 10m).")
    var wait: String?

    @Option(help: "Time between questions while waiting (a duration).")
    var interval = "10s"

    @Option(help: "text or json.")
    var output = "text"

    @Option(help: "Timeout of each request (a duration).")
    var timeout = "30s"

    func validate() throws {
        for (flag, text) in [("--wait", wait), ("--interval", interval), ("--timeout", timeout)] {
            guard let text else { continue }
            guard let duration = PromDuration(parsing: text), duration.milliseconds > 0 || flag == "--wait" else {
                throw ValidationError("\(flag): invalid duration \"\(text)\"")
            }
        }
        guard ["text", "json"].contains(output) else { throw ValidationError("--output must be text or json, not \"\(output)\"") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("--url must start with http:// or https://") }
        if rollout != nil {
            guard guardName == nil && service == nil && version == nil && baseline == nil else {
                throw ValidationError("--rollout asks a stored rollout; its guard, service and versions are the rollout's (leave out --guard, --service, --version, --baseline)")
            }
        } else {
            let missing = [("--guard", guardName), ("--service", service), ("--version", version)].filter { $0.1 == nil }.map(\.0)
            guard missing.isEmpty else { throw ValidationError("missing \(missing.joined(separator: ", ")) (or give --rollout ID)") }
        }
    }

    func run() async throws {
        let client: HTTPClient
        do {
            client = try HTTPClient()
        } catch {
            Self.printError("cannot start the HTTP client: \(error)")
            throw ExitCode(3)
        }
        defer { client.shutdown() }
        let waitMs = wait.flatMap { PromDuration(parsing: $0)?.milliseconds } ?? 0
        let intervalMs = PromDuration(parsing: interval)?.milliseconds ?? 10_000
        let deadline = ContinuousClock.now + .milliseconds(waitMs)
        var outcome = await ask(client)
        while outcome.retry && ContinuousClock.now + .milliseconds(intervalMs) <= deadline {
            try await Task.sleep(for: .milliseconds(intervalMs))
            outcome = await ask(client)
        }
        if output == "json", let body = outcome.body {
            print(String(decoding: body, as: UTF8.self))
        } else if outcome.code == 3 {
            FileHandle.standardError.write(Data("\(outcome.text)\n".utf8))
        } else {
            print(outcome.text)
        }
        if outcome.code != 0 { throw ExitCode(outcome.code) }
    }

    /// One question's outcome: the exit code, whether waiting may change it, what to print.
    struct Outcome {
        var code: Int32
        var retry: Bool
        var text: String
        var body: [UInt8]?
    }

    /// The decision endpoint's URL for these options.
    var decisionURL: String {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        if let rollout { return "\(base)/api/v1/rollouts/\(Self.escape(rollout))/decision" }
        var query = [("service", service ?? ""), ("version", version ?? "")]
        if let baseline { query.append(("baseline", baseline)) }
        let encoded = query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        return "\(base)/api/v1/guards/\(Self.escape(guardName ?? ""))/decision?\(encoded)"
    }

    func ask(_ client: HTTPClient) async -> Outcome {
        var request = HTTPClient.Request(url: decisionURL)
        request.timeoutMilliseconds = Int(PromDuration(parsing: timeout)?.milliseconds ?? 30_000)
        request.headers = [("Accept", "application/json")]
        let response: HTTPClient.Response
        do {
            response = try await client.execute(request)
        } catch {
            // The server may come back while we wait.
            return Outcome(code: 3, retry: true, text: "error: cannot ask \(decisionURL): \(error)", body: nil)
        }
        return Self.outcome(status: response.status, body: response.body)
    }

    /// The outcome of an answer (a pure function, tested without a server).
    static func outcome(status: Int, body: [UInt8]) -> Outcome {
        let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        guard status == 200, let data = json?["data"] as? [String: Any], let decision = data["decision"] as? String else {
            let message = json?["error"] as? String ?? String(decoding: body.prefix(500), as: UTF8.self)
            // 5xx may pass; a refused question (4xx) will not.
            return Outcome(code: 3, retry: status >= 500, text: "error: the server answered HTTP \(status): \(message)", body: body)
        }
        var lines = ["\(decision): \(data["reason"] as? String ?? "")"]
        for check in data["checks"] as? [[String: Any]] ?? [] {
            let verdict = check["verdict"] as? String ?? "?", summary = check["summary"] as? String ?? ""
            lines.append("  \(verdict.padding(toLength: 9, withPad: " ", startingAt: 0)) \(summary)")
        }
        for veto in data["vetoes"] as? [[String: Any]] ?? [] {
            let labels = veto.keys.sorted().map { "\($0)=\"\(veto[$0] as? String ?? "")\"" }.joined(separator: ",")
            lines.append("  veto      {\(labels)}")
        }
        let text = lines.joined(separator: "\n")
        switch decision {
        case "go": return Outcome(code: 0, retry: false, text: text, body: body)
        case "no-go": return Outcome(code: 1, retry: false, text: text, body: body)
        default: return Outcome(code: 2, retry: true, text: text, body: body)
        }
    }

    private static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
