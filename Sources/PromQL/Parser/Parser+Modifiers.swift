// Tollgate — PromQL: ranges, subqueries, `offset`, `@`, `anchored`/`smoothed`, and duration expressions.

extension Parser {
    /// Applies every modifier that follows an operand: `[…]`, `offset`, `@`, `anchored`, `smoothed`.
    mutating func parsePostfix(_ operand: Expr) throws(ParseError) -> Expr {
        var expr = operand
        while true {
            switch current.kind {
            case .leftBracket:
                expr = try parseRangeOrSubquery(expr)
            case .keyword(.offset):
                advance()
                let offset = try parseOffsetDuration()
                addOffset(&expr, offset)
            case .at:
                advance()
                try parseAt(&expr)
            case .identifier where ["anchored", "smoothed"].contains(current.text.lowercased()):
                let token = advance()
                setExtendedRange(&expr, token.text.lowercased(), end: token.end)
            default:
                return expr
            }
        }
    }

    private mutating func parseRangeOrSubquery(_ expr: Expr) throws(ParseError) -> Expr {
        let open = advance()
        guard current.kind != .rightBracket, current.kind != .colon else { throw unexpected("subquery selector", "duration") }
        let range = try parseBracketDuration(context: "subquery selector", expected: "duration")
        if current.kind == .colon {
            advance()
            var step: DurationExpr?
            if current.kind != .rightBracket {
                step = try parseBracketDuration(context: "subquery selector", expected: "duration or \"]\"")
                guard current.kind == .rightBracket else { throw unexpected("subquery selector", "\"]\"") }
            }
            let close = advance()
            return .subquery(SubqueryExpr(expr: expr, range: range, step: step, position: PositionRange(expr.position.start, close.end)))
        }
        guard current.kind == .rightBracket else { throw unexpected("subquery or range", "\":\" or \"]\"") }
        let close = advance()
        let errorRange = PositionRange(open.start, close.end)
        guard case .vectorSelector(let selector) = expr else {
            addError(errorRange, "ranges only allowed for vector selectors")
            return expr
        }
        if selector.offset != nil {
            addError(errorRange, "no offset modifiers allowed before range")
        } else if selector.at != nil {
            addError(errorRange, "no @ modifiers allowed before range")
        }
        return .matrixSelector(MatrixSelector(selector: selector, range: range, position: PositionRange(expr.position.start, close.end)))
    }

    /// A range or step inside brackets: a literal, or (experimental) a duration expression.
    private mutating func parseBracketDuration(context: String, expected: String) throws(ParseError) -> DurationExpr {
        let start = current.start
        guard startsDuration else { throw unexpected(context, expected) }
        let signed = current.kind == .op(.add) || current.kind == .op(.sub)
        let duration = try parseDurationExpr(0)
        let range = PositionRange(start, tokens[max(index - 1, 0)].end)
        if signed && !options.enableDurationExpressions {
            addError(range, "experimental duration expression is not enabled")
        } else {
            checkDurationEnabled(duration, range)
        }
        return duration
    }

    /// The duration after `offset`: a literal with an optional sign, or (experimental) a
    /// parenthesised expression or a duration function.
    private mutating func parseOffsetDuration() throws(ParseError) -> DurationExpr {
        let start = current.start
        guard startsDuration else { throw unexpected("offset", "number or duration") }
        let duration = try parseDurationUnary(offset: true)
        checkDurationEnabled(duration, PositionRange(start, tokens[max(index - 1, 0)].end))
        return duration
    }

    private mutating func checkDurationEnabled(_ duration: DurationExpr, _ range: PositionRange) {
        if duration.literalMilliseconds == nil && !options.enableDurationExpressions {
            addError(range, "experimental duration expression is not enabled")
        }
    }

    private var startsDuration: Bool {
        switch current.kind {
        case .number, .duration, .leftParen, .op(.add), .op(.sub): true
        case .identifier: durationFunctionName != nil
        default: false
        }
    }

    private var durationFunctionName: String? {
        let word = current.text.lowercased()
        return ["step", "range", "min_of", "max_of"].contains(word) && peek(1).kind == .leftParen ? word : nil
    }

    /// Duration arithmetic with PromQL's operator precedences.
    private mutating func parseDurationExpr(_ minPrecedence: Int) throws(ParseError) -> DurationExpr {
        var lhs = try parseDurationUnary(offset: false)
        while let op = currentBinaryOperator, [.add, .sub, .mul, .div, .mod, .pow].contains(op), op.precedence >= minPrecedence {
            advance()
            let rhs = try parseDurationExpr(op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = .binary(op, lhs, rhs)
        }
        return lhs
    }

    private mutating func parseDurationUnary(offset: Bool) throws(ParseError) -> DurationExpr {
        if let op = currentBinaryOperator, op == .add || op == .sub {
            advance()
            let operand = offset ? try parseDurationPrimary() : try parseDurationExpr(BinaryOperator.pow.precedence)
            if op == .add { return operand }
            switch operand {
            case .literal(let ms): return .literal(-ms)
            case .number(let s): return .number(-s)
            default: return .negate(operand)
            }
        }
        return try parseDurationPrimary()
    }

    private mutating func parseDurationPrimary() throws(ParseError) -> DurationExpr {
        let token = current
        switch token.kind {
        case .number:
            advance()
            // Prometheus's bound (a Go time.Duration in nanoseconds); NaN fails it too here.
            let seconds = number(token)
            guard seconds.magnitude <= 9_223_372_036.854_775_808 else {  // 1<<63 / 1e9
                addError(token.range, "duration out of range")
                return .number(0)
            }
            return .number(seconds)
        case .duration:
            advance()
            return .literal(durationMilliseconds(token))
        case .leftParen:
            advance()
            let inner = try parseDurationExpr(0)
            guard current.kind == .rightParen else { throw unexpected("duration expression", "\")\"") }
            advance()
            return .paren(inner)
        default:
            guard let name = durationFunctionName else { throw unexpected("duration expression", "number or duration") }
            advance()
            advance()
            var args: [DurationExpr] = []
            while current.kind != .rightParen {
                args.append(try parseDurationExpr(0))
                if current.kind == .comma {
                    advance()
                } else if current.kind != .rightParen {
                    throw unexpected("duration expression", "\",\" or \")\"")
                }
            }
            let close = advance()
            let expectedCount = name == "step" || name == "range" ? 0 : 2
            if args.count != expectedCount {
                addError(PositionRange(token.start, close.end), "wrong number of arguments for \(name)(), expected \(expectedCount), got \(args.count)")
                return .step
            }
            switch name {
            case "step": return .step
            case "range": return .range
            case "min_of": return .minOf(args[0], args[1])
            default: return .maxOf(args[0], args[1])
            }
        }
    }

    /// Prometheus's `addOffset`.
    private mutating func addOffset(_ expr: inout Expr, _ offset: DurationExpr) {
        let already: Bool
        switch expr {
        case .vectorSelector(var s):
            already = s.offset != nil
            s.offset = offset
            s.position.end = lastClosing
            expr = .vectorSelector(s)
        case .matrixSelector(var m):
            already = m.selector.offset != nil
            m.selector.offset = offset
            m.position.end = lastClosing
            expr = .matrixSelector(m)
        case .subquery(var s):
            already = s.offset != nil
            s.offset = offset
            s.position.end = lastClosing
            expr = .subquery(s)
        default:
            addError(expr.position, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
            return
        }
        if already { addError(expr.position, "offset may not be set multiple times") }
    }

    /// `@ <timestamp>`, `@ start()`, `@ end()`: Prometheus's `setTimestamp` and `setAtModifierPreprocessor`.
    private mutating func parseAt(_ expr: inout Expr) throws(ParseError) {
        let at: AtModifier
        let word = current.text.lowercased()
        if current.kind == .identifier, word == "start" || word == "end", peek(1).kind == .leftParen, peek(2).kind == .rightParen {
            advance()
            advance()
            advance()
            at = word == "start" ? .start : .end
        } else {
            let start = current.start
            guard current.kind == .number || current.kind == .duration || currentBinaryOperator == .add || currentBinaryOperator == .sub else {
                throw unexpected("@", "timestamp")
            }
            let seconds = try parseSignedNumber(context: "@")
            if !seconds.isFinite || seconds >= Double(Int64.max) / 1000 || seconds <= Double(Int64.min) / 1000 {
                addError(PositionRange(start, lastClosing), "timestamp out of bounds for @ modifier: \(formatGoF(seconds))")
                return
            }
            at = .timestamp(Int64((seconds * 1000).rounded()))
        }
        let already: Bool
        switch expr {
        case .vectorSelector(var s):
            already = s.at != nil
            s.at = at
            s.position.end = lastClosing
            if !already { expr = .vectorSelector(s) }
        case .matrixSelector(var m):
            already = m.selector.at != nil
            m.selector.at = at
            m.position.end = lastClosing
            if !already { expr = .matrixSelector(m) }
        case .subquery(var s):
            already = s.at != nil
            s.at = at
            s.position.end = lastClosing
            if !already { expr = .subquery(s) }
        default:
            addError(expr.position, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery")
            return
        }
        if already { addError(expr.position, "@ <timestamp> may not be set multiple times") }
    }

    /// `anchored` / `smoothed` after a range or instant vector selector.
    private mutating func setExtendedRange(_ expr: inout Expr, _ word: String, end: Int) {
        if !options.enableExtendedRangeSelectors {
            addError(expr.position, "\(word) modifier is experimental and not enabled")
        }
        switch expr {
        case .matrixSelector(var m):
            if word == "anchored" { m.selector.anchored = true } else { m.selector.smoothed = true }
            m.position.end = end
            expr = .matrixSelector(m)
        case .vectorSelector(var v):
            if word == "anchored" { v.anchored = true } else { v.smoothed = true }
            v.position.end = end
            expr = .vectorSelector(v)
        default:
            addError(expr.position, "\(word) modifier must be preceded by an instant vector selector or range vector selector")
        }
    }
}

/// Go's `%f`: six decimals.
func formatGoF(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
    let scaled = (abs(value) * 1_000_000).rounded()
    let whole = (scaled / 1_000_000).rounded(.towardZero)
    let frac = Int(scaled - whole * 1_000_000)
    var fracText = String(frac)
    while fracText.count < 6 { fracText = "0" + fracText }
    return (value < 0 ? "-" : "") + goFormatFloat(whole) + "." + fracText
}
