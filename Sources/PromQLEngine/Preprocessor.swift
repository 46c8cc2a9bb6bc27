// Tollgate — PromQL engine: resolving what depends on the query's own times.
//
// Before evaluation, `@ start()` / `@ end()` become timestamps and duration expressions
// (`[5m+1m]`, `step()`, `range()`) become plain milliseconds, as Prometheus's
// `PreprocessExpr` does.

import Foundation
import PromQL

struct Preprocessor {
    let start: Int64
    let end: Int64
    /// The range query's step; 0 for an instant query.
    let step: Int64

    func resolve(_ expr: Expr) throws(QueryError) -> Expr {
        switch expr {
        case .number, .string: return expr
        case .vectorSelector(let s): return .vectorSelector(try resolve(s))
        case .matrixSelector(var m):
            m.selector = try resolve(m.selector)
            m.range = .literal(try milliseconds(m.range))
            return .matrixSelector(m)
        case .subquery(var q):
            q.expr = try resolve(q.expr)
            q.range = .literal(try milliseconds(q.range))
            if let s = q.step { q.step = .literal(try milliseconds(s)) }
            if let o = q.offset { q.offset = .literal(try milliseconds(o)) }
            q.at = at(q.at)
            return .subquery(q)
        case .call(var c):
            var args: [Expr] = []
            for arg in c.args { args.append(try resolve(arg)) }
            c.args = args
            return .call(c)
        case .aggregate(var a):
            a.expr = try resolve(a.expr)
            if let p = a.param { a.param = try resolve(p) }
            return .aggregate(a)
        case .binary(var b):
            b.lhs = try resolve(b.lhs)
            b.rhs = try resolve(b.rhs)
            return .binary(b)
        case .unary(var u):
            u.expr = try resolve(u.expr)
            return .unary(u)
        case .paren(var p):
            p.expr = try resolve(p.expr)
            return .paren(p)
        }
    }

    private func resolve(_ s: VectorSelector) throws(QueryError) -> VectorSelector {
        var s = s
        if let o = s.offset { s.offset = .literal(try milliseconds(o)) }
        s.at = at(s.at)
        return s
    }

    private func at(_ at: AtModifier?) -> AtModifier? {
        switch at {
        case .start: .timestamp(start)
        case .end: .timestamp(end)
        default: at
        }
    }

    /// A duration expression's value in milliseconds, truncated as Go's `time.Duration` is.
    func milliseconds(_ d: DurationExpr) throws(QueryError) -> Int64 {
        if case .literal(let ms) = d { return ms }
        let seconds = try self.seconds(d)
        guard seconds.isFinite, abs(seconds) < 9.2e9 else {
            throw QueryError(.badData, "duration expression result out of range: \(formatG(seconds))")
        }
        return Int64(seconds * 1e9) / 1_000_000
    }

    private func seconds(_ d: DurationExpr) throws(QueryError) -> Double {
        switch d {
        case .literal(let ms): return Double(ms) / 1000
        case .number(let n): return n
        case .step: return Double(step) / 1000
        case .range: return Double(end - start) / 1000
        case .minOf(let a, let b): return min(try seconds(a), try seconds(b))
        case .maxOf(let a, let b): return max(try seconds(a), try seconds(b))
        case .paren(let inner): return try seconds(inner)
        case .negate(let inner): return -(try seconds(inner))
        case .binary(let op, let a, let b):
            let x = try seconds(a), y = try seconds(b)
            switch op {
            case .add: return x + y
            case .sub: return x - y
            case .mul: return x * y
            case .div:
                if y == 0 { throw QueryError(.badData, "division by zero in duration expression") }
                return x / y
            case .mod:
                if y == 0 { throw QueryError(.badData, "modulo by zero in duration expression") }
                return x.truncatingRemainder(dividingBy: y)
            case .pow: return pow(x, y)
            default: throw QueryError(.badData, "unexpected operator \(op.rawValue) in duration expression")
            }
        }
    }
}
