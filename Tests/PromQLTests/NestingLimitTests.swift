// Tollgate — PromQL: queries nested too deep are refused, not a crash.

import PromQL
import Testing

/// Every pass over the tree is recursive, so depth is bounded at parse time: 10,000 nested
/// parentheses used to overflow the stack and take the server down with one request.
struct NestingLimitTests {
    @Test(arguments: [
        String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
        Array(repeating: "1", count: 100_000).joined(separator: " + "),
        Array(repeating: "2", count: 10_000).joined(separator: " ^ "),
        String(repeating: "-", count: 10_000) + "up",
        String(repeating: "abs(", count: 10_000) + "up" + String(repeating: ")", count: 10_000),
        String(repeating: "sum(", count: 10_000) + "up" + String(repeating: ")", count: 10_000),
    ])
    func deepQueriesAreRefused(_ query: String) {
        let error = #expect(throws: ParseError.self) { try parseExpr(query) }
        #expect(error?.description.contains("expression nested deeper than 256 levels") == true, "\(String(describing: error))")
    }

    @Test func realisticDepthsParse() throws {
        let parens = String(repeating: "(", count: 100) + "up" + String(repeating: ")", count: 100)
        #expect(try parseExpr(parens).description == parens)
        let chain = Array(repeating: "up", count: 100).joined(separator: " + ")
        #expect(try parseExpr(chain).description == chain)
    }
}
