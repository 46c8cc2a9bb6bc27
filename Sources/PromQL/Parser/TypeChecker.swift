// Tollgate — PromQL: the type checks of Prometheus's `checkAST`, with its messages.

import Model

/// Walks a parsed tree, collecting type errors and normalising vector matching the way
/// Prometheus does (set operators become many-to-many; non-vector operands drop matching).
struct TypeChecker {
    let input: [UInt8]
    let query: String
    var errors: [ParseError.Detail] = []

    private mutating func add(_ range: PositionRange, _ message: String) {
        errors.append(ParseError.Detail(positionRange: range, message: message, query: query))
    }

    private mutating func expect(_ expr: inout Expr, _ want: ValueType, _ context: String) {
        let got = check(&expr)
        if got != want {
            add(expr.position, "expected type \(want.rawValue) in \(context), got \(got.rawValue)")
        }
    }

    /// Checks an expression and its children; returns its type.
    @discardableResult
    mutating func check(_ expr: inout Expr, skipEmptyMatcherCheck: Bool = false) -> ValueType {
        let type = expr.type
        switch expr {
        case .aggregate(var a):
            expect(&a.expr, .vector, "aggregation expression")
            switch a.op {
            case .topk, .bottomk, .quantile, .limitk, .limitRatio:
                if var p = a.param {
                    expect(&p, .scalar, "aggregation parameter")
                    a.param = p
                }
            case .countValues:
                if var p = a.param {
                    expect(&p, .string, "aggregation parameter")
                    a.param = p
                }
            default: break
            }
            expr = .aggregate(a)
        case .binary(var b):
            checkBinary(&b)
            expr = .binary(b)
        case .call(var c):
            checkCall(&c)
            expr = .call(c)
        case .paren(var p):
            check(&p.expr)
            expr = .paren(p)
        case .unary(var u):
            let t = check(&u.expr)
            if t != .scalar && t != .vector {
                add(u.position, "unary expression only allowed on expressions of type scalar or instant vector, got \(goQuote(t.rawValue))")
            }
            expr = .unary(u)
        case .subquery(var s):
            let t = check(&s.expr)
            if t != .vector {
                add(s.position, "subquery is only allowed on instant vector, got \(t.internalName) instead")
            }
            expr = .subquery(s)
        case .matrixSelector(let m):
            checkSelector(m.selector, skipEmptyMatcherCheck: false)
        case .vectorSelector(let v):
            checkSelector(v, skipEmptyMatcherCheck: skipEmptyMatcherCheck)
        case .number, .string:
            break
        }
        return type
    }

    private mutating func checkSelector(_ v: VectorSelector, skipEmptyMatcherCheck: Bool) {
        if let name = v.name {
            for m in v.matchers.dropLast() where m.name == metricNameLabel {
                add(v.position, "metric name must not be set twice: \(goQuote(name)) or \(goQuote(m.value))")
            }
            return
        }
        if skipEmptyMatcherCheck { return }
        if !v.matchers.contains(where: { !$0.matchesEmpty }) {
            add(v.position, "vector selector must contain at least one non-empty matcher")
        }
    }

    /// The operator's range, whitespace trimmed, between the operands.
    private func operatorRange(_ b: BinaryExpr) -> PositionRange {
        var start = b.lhs.position.end
        var end = b.rhs.position.start - 1
        while start < input.count, start < end, isSpace(input[start]) { start += 1 }
        while end > start, end < input.count, isSpace(input[end]) { end -= 1 }
        return PositionRange(start, end)
    }

    private mutating func checkBinary(_ b: inout BinaryExpr) {
        let lt = check(&b.lhs)
        let rt = check(&b.rhs)
        if b.returnBool && !b.op.isComparison {
            add(operatorRange(b), "bool modifier can only be used on comparison operators")
        }
        if b.op.isComparison && !b.returnBool && lt == .scalar && rt == .scalar {
            add(operatorRange(b), "comparisons between scalars must use BOOL modifier")
        }
        if var m = b.matching {
            if b.op.isSetOperator && m.card == .oneToOne { m.card = .manyToMany }
            if m.on {
                for label in m.matchingLabels where m.include.contains(label) {
                    add(operatorRange(b), "label \(goQuote(label)) must not occur in ON and GROUP clause at once")
                }
            }
            b.matching = m
        }
        if lt != .scalar && lt != .vector {
            add(b.lhs.position, "binary expression must contain only scalar and instant vector types")
        }
        if rt != .scalar && rt != .vector {
            add(b.rhs.position, "binary expression must contain only scalar and instant vector types")
        }
        let range = PositionRange(b.lhs.position.start, b.rhs.position.end)
        if let m = b.matching {
            if lt != .vector || rt != .vector {
                if !m.matchingLabels.isEmpty {
                    add(range, "vector matching only allowed between instant vectors")
                }
                if m.fillLeft != nil || m.fillRight != nil {
                    add(range, "filling in missing series only allowed between instant vectors")
                }
                b.matching = nil
            } else if b.op.isSetOperator {
                if m.card == .oneToMany || m.card == .manyToOne {
                    add(range, "no grouping allowed for \(goQuote(b.op.rawValue)) operation")
                }
                if m.card != .manyToMany {
                    add(range, "set operations must always be many-to-many")
                }
                if m.fillLeft != nil || m.fillRight != nil {
                    add(range, "filling in missing series not allowed for set operators")
                }
            }
        }
        if (lt == .scalar || rt == .scalar) && b.op.isSetOperator {
            add(range, "set operator \(goQuote(b.op.rawValue)) not allowed in binary scalar expression")
        }
    }

    private mutating func checkCall(_ c: inout Call) {
        let f = c.function
        let nargs = f.argTypes.count
        if f.variadic == 0 {
            if nargs != c.args.count {
                add(c.position, "expected \(nargs) argument(s) in call to \(goQuote(f.name)), got \(c.args.count)")
            }
        } else {
            let na = nargs - 1
            if na > c.args.count {
                add(c.position, "expected at least \(na) argument(s) in call to \(goQuote(f.name)), got \(c.args.count)")
            } else if f.variadic > 0, na + f.variadic < c.args.count {
                add(c.position, "expected at most \(na + f.variadic) argument(s) in call to \(goQuote(f.name)), got \(c.args.count)")
            }
        }
        var skipSecond = false
        if f.name == "info", c.args.count > 1 {
            if case .vectorSelector(let v) = c.args[1] {
                if v.name != nil {
                    add(c.args[1].position, "expected label selectors only, got vector selector instead")
                }
                skipSecond = true
            } else {
                add(c.position, "expected type instant vector in call to function \"info\", got \(c.args[1].type.rawValue)")
            }
        }
        guard !f.argTypes.isEmpty else { return }
        for i in c.args.indices {
            var index = i
            if i >= f.argTypes.count {
                if f.variadic == 0 { break }
                index = f.argTypes.count - 1
            }
            let want = f.argTypes[index]
            var arg = c.args[i]
            let got = check(&arg, skipEmptyMatcherCheck: skipSecond && i == 1)
            if got != want {
                add(arg.position, "expected type \(want.rawValue) in call to function \(goQuote(f.name)), got \(got.rawValue)")
            }
            c.args[i] = arg
        }
    }
}
