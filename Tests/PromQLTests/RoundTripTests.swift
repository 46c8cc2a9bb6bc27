// Tollgate — PromQL tests: every query of the shared promqltest scripts parses, prints and re-parses.

import Foundation
import PromQL
import TestSupport
import Testing

/// One `eval` query of a `.test` file.
struct ScriptQuery: Sendable {
    let file: String
    let line: Int
    let query: String
    /// The eval expects an error (`eval_fail` or an `expect fail` body line).
    let expectsFailure: Bool
}

/// The queries of every `eval` header, per the promqltest format (§5).
func scriptQueries() throws -> [ScriptQuery] {
    var out: [ScriptQuery] = []
    for url in try SharedData.promqlTestFiles() {
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        for (i, line) in lines.enumerated() {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let head = words.first, head.hasPrefix("eval"), words.count > 2 else { continue }
            var fields = words.dropFirst()
            switch fields.first {
            case "instant":
                // instant at <time> <expr>
                fields = fields.dropFirst(3)
            case "range":
                // range from <s> to <e> step <d> <expr>
                fields = fields.dropFirst(7)
            default:
                continue
            }
            guard let first = fields.first else { continue }
            let query = String(line[first.startIndex...])
            var fails = head == "eval_fail"
            var j = i + 1
            while j < lines.count, lines[j].hasPrefix(" ") || lines[j].hasPrefix("\t") {
                if lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("expect fail") { fails = true }
                j += 1
            }
            out.append(ScriptQuery(file: url.lastPathComponent, line: i + 1, query: query, expectsFailure: fails))
        }
    }
    return out
}

@Suite("Round trip over ../shared/testdata/promqltest", .enabled(if: SharedData.isAvailable, "../shared is absent: round-trip test skipped"))
struct RoundTripTests {
    @Test func everyQueryParsesPrintsAndReparses() throws {
        let queries = try scriptQueries()
        #expect(queries.count > 1000)
        var parsed = 0
        for q in queries {
            let expr: Expr
            do {
                expr = try parseExpr(q.query, options: .all)
            } catch {
                if !q.expectsFailure { Issue.record("\(q.file):\(q.line): \(q.query): \(error)") }
                continue
            }
            parsed += 1
            let printed = expr.description
            do {
                let again = try parseExpr(printed, options: .all)
                #expect(again == expr, "\(q.file):\(q.line): \(q.query) → \(printed) → \(again)")
                #expect(again.description == printed, "\(q.file):\(q.line): printer is not a fixed point: \(printed) → \(again)")
            } catch {
                Issue.record("\(q.file):\(q.line): \(q.query) printed as \(printed), which does not parse: \(error)")
            }
        }
        #expect(parsed > 1000)
    }
}
