// Tollgate — PromQL: a recursive-descent parser with precedence climbing for binary operators.
//
// Prometheus generates its parser with goyacc from generated_parser.y; this one follows that
// grammar's precedences (`^` right-associative, unary minus binding like `*`) and its error
// messages, stopping at the first syntax error but collecting the grammar actions' errors.

import Model

/// The parser's state over one query's tokens.
struct Parser {
    let query: String
    let input: [UInt8]
    let tokens: [Token]
    let options: ParserOptions
    var index = 0
    /// How deep the tree being built is here: operands entered and operators chained.
    var nesting = 0
    /// Deeper queries are refused: every later pass (type checks, evaluation, printing, even
    /// freeing the tree) walks it recursively, and 10,000 levels would overflow a thread's
    /// stack. Real queries stay far below; Prometheus itself has no limit.
    static let maxNesting = 256
    /// Errors from grammar actions, which do not stop parsing.
    var errors: [ParseError.Detail] = []
    /// The end of the last closing token consumed, Prometheus's `lastClosing`.
    var lastClosing = 0

    init(query: String, options: ParserOptions) {
        self.query = query
        self.input = Array(query.utf8)
        self.tokens = Lexer.tokenize(input)
        self.options = options
    }

    var current: Token { tokens[min(index, tokens.count - 1)] }

    func peek(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        switch token.kind {
        case .rightParen, .rightBrace, .rightBracket, .number, .duration: lastClosing = token.end
        default: break
        }
        return token
    }

    /// Records an error that does not stop parsing.
    mutating func addError(_ range: PositionRange, _ message: String) {
        errors.append(ParseError.Detail(positionRange: range, message: message, query: query))
    }

    /// The error for an unexpected token, worded as Prometheus's `unexpected(context, expected)`;
    /// a lexer error is reported as itself.
    func unexpected(_ context: String = "", _ expected: String = "") -> ParseError {
        let token = current
        var details = errors
        if token.kind == .error {
            details.append(.init(positionRange: token.range, message: token.text, query: query))
            return ParseError(details)
        }
        var message = "unexpected " + token.desc
        if !context.isEmpty { message += " in " + context }
        if !expected.isEmpty { message += ", expected " + expected }
        details.append(.init(positionRange: token.range, message: message, query: query))
        return ParseError(details)
    }

    /// Parses the whole query.
    mutating func parseQuery() throws(ParseError) -> Expr {
        if current.kind == .eof {
            throw ParseError([.init(positionRange: PositionRange(0, 0), message: "no expression found in input", query: query)])
        }
        let expr = try parseExpr(0)
        if current.kind != .eof { throw unexpected() }
        if !errors.isEmpty { throw ParseError(errors) }
        return expr
    }

    /// The binary operator at the current token, if any.
    var currentBinaryOperator: BinaryOperator? {
        if case .op(let op) = current.kind { return op }
        return nil
    }

    /// One level deeper; throws past ``maxNesting``.
    mutating func enterNesting() throws(ParseError) {
        nesting += 1
        guard nesting > Self.maxNesting else { return }
        throw ParseError([.init(positionRange: current.range, message: "expression nested deeper than \(Self.maxNesting) levels", query: query)])
    }

    /// Precedence climbing: operands bind tighter than operators of precedence below `minPrecedence`.
    mutating func parseExpr(_ minPrecedence: Int) throws(ParseError) -> Expr {
        var lhs = try parseUnary()
        var chained = 0
        defer { nesting -= chained }
        while let op = currentBinaryOperator, op.precedence >= minPrecedence {
            try enterNesting()
            chained += 1
            advance()
            let (returnBool, matching, fills) = try parseBinaryModifiers()
            let rhs = try parseExpr(op.isRightAssociative ? op.precedence : op.precedence + 1)
            let range = PositionRange(lhs.position.start, rhs.position.end)
            if fills && !options.enableBinopFillModifiers {
                addError(range, "binop fill modifiers are experimental and not enabled")
            }
            lhs = .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, matching: matching, returnBool: returnBool, position: range))
        }
        return lhs
    }

    /// Unary `+`/`-` binds like `*`: looser than `^`, tighter than `+`. A sign on a number literal
    /// is folded into it, as Prometheus does.
    mutating func parseUnary() throws(ParseError) -> Expr {
        try enterNesting()
        defer { nesting -= 1 }
        guard let op = currentBinaryOperator, op == .add || op == .sub else {
            return try parsePostfix(try parsePrimary())
        }
        let opToken = advance()
        let operand = try parseExpr(BinaryOperator.pow.precedence)
        if case .number(var literal) = operand {
            if op == .sub { literal.value = -literal.value }
            literal.position = PositionRange(opToken.start, literal.position.end)
            return .number(literal)
        }
        return .unary(UnaryExpr(op: op, expr: operand, position: PositionRange(opToken.start, operand.position.end)))
    }

    /// `bool`, `on`/`ignoring (…)`, `group_left`/`group_right (…)` and the fill modifiers.
    mutating func parseBinaryModifiers() throws(ParseError) -> (Bool, VectorMatching, Bool) {
        var matching = VectorMatching(card: .oneToOne)
        var returnBool = false
        if current.kind == .keyword(.bool) {
            advance()
            returnBool = true
        }
        if current.kind == .keyword(.on) || current.kind == .keyword(.ignoring) {
            matching.on = advance().kind == .keyword(.on)
            matching.hasMatchingClause = true
            matching.matchingLabels = try parseGroupingLabels()
            if current.kind == .keyword(.groupLeft) || current.kind == .keyword(.groupRight) {
                matching.card = advance().kind == .keyword(.groupLeft) ? .manyToOne : .oneToMany
                if current.kind == .leftParen { matching.include = try parseGroupingLabels() }
            }
        }
        var fills = false
        while current.kind == .identifier, peek(1).kind == .leftParen {
            let word = current.text.lowercased()
            guard word == "fill" || word == "fill_left" || word == "fill_right" else { break }
            advance()
            advance()
            let value = try parseSignedNumber(context: "fill modifier")
            guard current.kind == .rightParen else { throw unexpected("fill modifier", "\")\"") }
            advance()
            fills = true
            if word != "fill_right" { matching.fillLeft = value }
            if word != "fill_left" { matching.fillRight = value }
        }
        return (returnBool, matching, fills)
    }

    /// A number with an optional sign (`-Inf`, `+5`, `1e3`).
    mutating func parseSignedNumber(context: String) throws(ParseError) -> Double {
        var sign = 1.0
        if let op = currentBinaryOperator, op == .add || op == .sub {
            advance()
            if op == .sub { sign = -1 }
        }
        switch current.kind {
        case .number:
            let token = advance()
            return sign * number(token)
        case .duration:
            let token = advance()
            return sign * Double(durationMilliseconds(token)) / 1000
        default:
            throw unexpected(context, "number")
        }
    }

    /// `(label, …)` after `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`.
    mutating func parseGroupingLabels() throws(ParseError) -> [String] {
        guard current.kind == .leftParen else { throw unexpected("grouping opts", "\"(\"") }
        advance()
        var labels: [String] = []
        if current.kind == .rightParen {
            advance()
            return labels
        }
        while true {
            let token = current
            if token.kind == .string || (token.isMaybeLabel && token.kind != .metricIdentifier) {
                labels.append(token.text)
                advance()
            } else {
                throw unexpected("grouping opts", "label")
            }
            if current.kind == .comma {
                advance()
                if current.kind == .rightParen {
                    advance()
                    return labels
                }
            } else if current.kind == .rightParen {
                advance()
                return labels
            } else {
                throw unexpected("grouping opts", "\",\" or \")\"")
            }
        }
    }

    /// A number token's value, by Go's `ParseInt(s, 0, 64)` then `ParseFloat`.
    mutating func number(_ token: Token) -> Double {
        let text = token.text
        let lower = text.lowercased()
        if lower == "inf" { return .infinity }
        if lower == "nan" { return .nan }
        let plain = text.filter { $0 != "_" }
        if plain.hasPrefix("0x") || plain.hasPrefix("0X") {
            if let v = UInt64(plain.dropFirst(2), radix: 16), v <= UInt64(Int64.max) { return Double(v) }
            if let v = Double(plain) { return v }
        } else if plain.count > 1, plain.hasPrefix("0"), plain.allSatisfy({ $0 >= "0" && $0 <= "7" }), let v = Int64(plain.dropFirst(), radix: 8) {
            return Double(v)
        } else if let v = Double(plain), v.isFinite {
            return v
        }
        let reason = Double(plain)?.isInfinite == true ? "value out of range" : "invalid syntax"
        addError(token.range, "error parsing number: strconv.ParseFloat: parsing \(goQuote(text)): \(reason)")
        return 0
    }

    /// A duration token's milliseconds, by Prometheus's `model.ParseDuration`.
    mutating func durationMilliseconds(_ token: Token) -> Int64 {
        do {
            return try PromDuration.parse(token.text).milliseconds
        } catch {
            switch error.kind {
            case .outOfRange: addError(token.range, error.description)
            case .empty, .invalid: addError(token.range, "not a valid duration string: \(goQuote(token.text))")
            }
            return 0
        }
    }
}
