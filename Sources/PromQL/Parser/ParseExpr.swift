// Tollgate — PromQL: the entry point of the parser.

/// Parses a PromQL expression, type-checks it as Prometheus's parser does, and returns its tree.
///
/// ```swift
/// let expr = try parseExpr("sum by (job) (rate(http_requests_total[5m]))")
/// print(expr)  // sum by (job) (rate(http_requests_total[5m]))
/// ```
///
/// - Parameters:
///   - text: The query.
///   - options: Which experimental syntax to accept; everything experimental is off by default.
/// - Throws: ``ParseError`` with Prometheus's messages and positions.
public func parseExpr(_ text: String, options: ParserOptions = .init()) throws(ParseError) -> Expr {
    var parser = Parser(query: text, options: options)
    var expr = try parser.parseQuery()
    var checker = TypeChecker(input: parser.input, query: text)
    checker.check(&expr)
    if !checker.errors.isEmpty { throw ParseError(checker.errors) }
    return expr
}
