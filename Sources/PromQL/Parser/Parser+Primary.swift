// Tollgate — PromQL: literals, selectors, function calls, aggregations and parentheses.

import Model

extension Parser {
    /// One operand: everything but binary and unary operators and the postfix modifiers.
    mutating func parsePrimary() throws(ParseError) -> Expr {
        let token = current
        switch token.kind {
        case .number:
            advance()
            return .number(NumberLiteral(number(token), position: token.range))
        case .duration:
            advance()
            let ms = durationMilliseconds(token)
            return .number(NumberLiteral(Double(ms) / 1000, position: token.range, isDuration: true))
        case .string:
            advance()
            return .string(StringLiteral(token.text, position: token.range, isValidUTF8: token.isValidUTF8))
        case .leftParen:
            advance()
            let inner = try parseExpr(0)
            guard current.kind == .rightParen else { throw unexpected() }
            let close = advance()
            return .paren(ParenExpr(expr: inner, position: PositionRange(token.start, close.end)))
        case .leftBrace:
            return try parseVectorSelector(name: nil)
        case .aggregator(let op):
            let next = peek(1).kind
            if next == .leftParen || next == .keyword(.by) || next == .keyword(.without) {
                return try parseAggregation(op)
            }
            advance()
            return try parseVectorSelector(name: token)
        case .identifier where peek(1).kind == .leftParen:
            return try parseCall()
        default:
            if token.isMetricIdentifier {
                advance()
                return try parseVectorSelector(name: token)
            }
            throw unexpected()
        }
    }

    /// `name`, `name{…}` or `{…}`; the name token has been consumed.
    mutating func parseVectorSelector(name: Token?) throws(ParseError) -> Expr {
        var matchers: [LabelMatcher] = []
        let start = name?.start ?? current.start
        var end = name?.end ?? current.start
        if current.kind == .leftBrace {
            advance()
            try parseLabelMatchers(into: &matchers)
            end = advance().end
        }
        if let name {
            if let m = makeMatcher(.equal, metricNameLabel, name.text, range: name.range) { matchers.append(m) }
        }
        return .vectorSelector(VectorSelector(name: name?.text, matchers: matchers, position: PositionRange(start, end)))
    }

    /// The matchers inside braces, up to (not including) `}`.
    mutating func parseLabelMatchers(into matchers: inout [LabelMatcher]) throws(ParseError) {
        while current.kind != .rightBrace {
            let nameToken = current
            guard nameToken.kind == .identifier || nameToken.kind == .string else {
                throw unexpected("label matching", "identifier or \"}\"")
            }
            advance()
            if nameToken.kind == .string && (current.kind == .comma || current.kind == .rightBrace) {
                // `{"metric.name"}`: a quoted metric name.
                if let m = makeMatcher(.equal, metricNameLabel, nameToken.text, range: nameToken.range) { matchers.append(m) }
            } else {
                let kind: LabelMatcher.Kind
                switch current.kind {
                case .assign: kind = .equal
                case .op(.neq): kind = .notEqual
                case .eqlRegex: kind = .regex
                case .neqRegex: kind = .notRegex
                default: throw unexpected("label matching", "label matching operator")
                }
                advance()
                guard current.kind == .string else { throw unexpected("label matching", "string") }
                let value = advance()
                if let m = makeMatcher(kind, nameToken.text, value.text, range: PositionRange(nameToken.start, value.end)) {
                    matchers.append(m)
                }
            }
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightBrace {
                throw unexpected("label matching", "\",\" or \"}\"")
            }
        }
    }

    /// A matcher, or nil after recording why it could not be built (a bad regular expression).
    mutating func makeMatcher(_ kind: LabelMatcher.Kind, _ name: String, _ value: String, range: PositionRange) -> LabelMatcher? {
        do {
            return try LabelMatcher(kind, name, value)
        } catch {
            addError(range, error.description)
            return nil
        }
    }

    /// `(a, b, …)` after a function or aggregation name, with Prometheus's trailing-comma error.
    mutating func parseCallArguments() throws(ParseError) -> [Expr] {
        guard current.kind == .leftParen else { throw unexpected() }
        advance()
        var args: [Expr] = []
        if current.kind == .rightParen {
            advance()
            return args
        }
        while true {
            args.append(try parseExpr(0))
            if current.kind == .comma {
                let comma = advance()
                if current.kind == .rightParen {
                    addError(comma.range, "trailing commas not allowed in function call args")
                    advance()
                    return args
                }
            } else if current.kind == .rightParen {
                advance()
                return args
            } else {
                throw unexpected()
            }
        }
    }

    /// `name(args…)`, checked against the function table.
    mutating func parseCall() throws(ParseError) -> Expr {
        let nameToken = advance()
        let function: FunctionSignature
        if let known = FunctionSignature.named(nameToken.text) {
            function = known
            if known.experimental && !options.enableExperimentalFunctions {
                addError(nameToken.range, "function \(goQuote(nameToken.text)) is not enabled")
            }
        } else {
            addError(nameToken.range, "unknown function with name \(goQuote(nameToken.text))")
            function = FunctionSignature(nameToken.text, [], .vector, variadic: -1)
        }
        let args = try parseCallArguments()
        return .call(Call(function: function, args: args, position: PositionRange(nameToken.start, lastClosing)))
    }

    /// `op [by|without (…)] (param, expr) [by|without (…)]`.
    mutating func parseAggregation(_ op: AggregateOp) throws(ParseError) -> Expr {
        let opToken = advance()
        var grouping: [String] = []
        var without = false
        var hasClause = false
        if current.kind == .keyword(.by) || current.kind == .keyword(.without) {
            without = advance().kind == .keyword(.without)
            grouping = try parseGroupingLabels()
            hasClause = true
        }
        guard current.kind == .leftParen else { throw unexpected("aggregation") }
        let args = try parseCallArguments()
        if !hasClause, current.kind == .keyword(.by) || current.kind == .keyword(.without) {
            without = advance().kind == .keyword(.without)
            grouping = try parseGroupingLabels()
            hasClause = true
        }
        let range = PositionRange(opToken.start, lastClosing)
        var param: Expr?
        var expr = Expr.number(NumberLiteral(.nan))
        if args.isEmpty {
            addError(range, "no arguments for aggregate expression provided")
        } else if op.takesParameter, (op == .limitk || op == .limitRatio), !options.enableExperimentalFunctions {
            addError(range, "\(op.rawValue)() is experimental and must be enabled with --enable-feature=promql-experimental-functions")
        } else {
            let desired = op.takesParameter ? 2 : 1
            if op.takesParameter { param = args[0] }
            if args.count != desired {
                addError(range, "wrong number of arguments for aggregate expression provided, expected \(desired), got \(args.count)")
            } else {
                expr = args[desired - 1]
            }
        }
        return .aggregate(
            AggregateExpr(op: op, expr: expr, param: param, grouping: grouping, without: without, hasGroupingClause: hasClause, position: range)
        )
    }
}
