// Tollgate — PromQL: the value type and source range of an expression.

extension Expr {
    /// The type the expression evaluates to, as Prometheus's `Expr.Type()`.
    public var type: ValueType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector, .subquery: .matrix
        case .call(let call): call.function.returnType
        case .aggregate: .vector
        case .binary(let b): b.lhs.type == .scalar && b.rhs.type == .scalar ? .scalar : .vector
        case .unary(let u): u.expr.type
        case .paren(let p): p.expr.type
        }
    }

    /// The byte range of the query the expression was parsed from (`.none` when built by code).
    public var position: PositionRange {
        get {
            switch self {
            case .number(let n): n.position
            case .string(let s): s.position
            case .vectorSelector(let v): v.position
            case .matrixSelector(let m): m.position
            case .subquery(let s): s.position
            case .call(let c): c.position
            case .aggregate(let a): a.position
            case .binary(let b): PositionRange(b.lhs.position.start, b.rhs.position.end)
            case .unary(let u): u.position
            case .paren(let p): p.position
            }
        }
        set {
            switch self {
            case .number(var n):
                n.position = newValue
                self = .number(n)
            case .string(var s):
                s.position = newValue
                self = .string(s)
            case .vectorSelector(var v):
                v.position = newValue
                self = .vectorSelector(v)
            case .matrixSelector(var m):
                m.position = newValue
                self = .matrixSelector(m)
            case .subquery(var s):
                s.position = newValue
                self = .subquery(s)
            case .call(var c):
                c.position = newValue
                self = .call(c)
            case .aggregate(var a):
                a.position = newValue
                self = .aggregate(a)
            case .binary(var b):
                b.position = newValue
                self = .binary(b)
            case .unary(var u):
                u.position = newValue
                self = .unary(u)
            case .paren(var p):
                p.position = newValue
                self = .paren(p)
            }
        }
    }
}

extension ValueType {
    /// Prometheus's internal name (`vector`, `matrix`), used in a few messages.
    var internalName: String {
        switch self {
        case .scalar: "scalar"
        case .vector: "vector"
        case .matrix: "matrix"
        case .string: "string"
        }
    }
}
