// Tollgate — the regex table checked against Debian's Prometheus (2.42), when installed.

import CurlHTTP
import Foundation
import Model
import Testing
import TestSupport

/// Asks a running Prometheus about every row of ``GoRegexTable``: accept or refuse through a
/// label matcher (`{job="x",__name__=~"re"}`, whose parse error quotes Go's), and matches
/// through `label_replace`, which sets `m` when the source label matches. 2.42's
/// `label_replace` compiles `^(?:re)$`, so the pattern is sent as `(?s:re)` to get the
/// `^(?s:re)$` of Prometheus 3.x.
@Suite(.enabled(if: PrometheusServer.binary != nil, "Debian's prometheus is not installed"))
struct GoRegexOracleTests {
    @Test func prometheusAgreesWithTheTable() async throws {
        let directory = try makeTemporaryDirectory("regex-oracle")
        defer { try? FileManager.default.removeItem(at: directory) }
        let prometheus = try await PrometheusServer.start(config: "global: {}\n", in: directory)
        defer { prometheus.stop() }

        for row in GoRegexTable.cases {
            let expected = row.prometheus2 ?? row.error
            let answer = try await Self.query(prometheus, "{job=\"x\",__name__=~\"" + Self.quoted(row.pattern) + "\"}")
            if expected == nil || expected == GoRegexCase.accepts {
                #expect(answer.error == nil, "\(row): Prometheus refused it: \(answer.error ?? "")")
            } else {
                let text = answer.error.map { $0.components(separatedBy: "parse error: ").last ?? $0 }
                #expect(text == expected, "\(row)")
            }
            guard row.error == nil, row.prometheus2 == nil else { continue }
            for (value, matched) in row.matches.map({ ($0, true) }) + row.misses.map({ ($0, false) }) {
                let expression = "label_replace(label_replace(vector(1), \"src\", \"" + Self.quoted(value)
                    + "\", \"\", \"\"), \"m\", \"yes\", \"src\", \"(?s:" + Self.quoted(row.pattern) + ")\")"
                let answer = try await Self.query(prometheus, expression)
                #expect(answer.error == nil, "\(row) on \(value.debugDescription): \(answer.error ?? "")")
                #expect(answer.matched == matched, "\(row) on \(value.debugDescription)")
            }
        }
    }

    /// Prometheus's answer: its error, or whether the result's series has `m="yes"`.
    struct Answer {
        var error: String?
        var matched = false
    }

    static func query(_ prometheus: PrometheusServer, _ expression: String) async throws -> Answer {
        let escaped = try #require(expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let response = try await prometheus.get("/api/v1/query?query=\(escaped)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        if let error = json["error"] as? String { return Answer(error: error) }
        let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        let labels = result.first?["metric"] as? [String: String] ?? [:]
        return Answer(matched: labels["m"] == "yes")
    }

    /// A PromQL double-quoted string's contents.
    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += #"\\"#
            case "\"": out += #"\""#
            case "\n": out += #"\n"#
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
