// Tollgate — HTTPAPI: a PromQL syntax tree as /api/v1/parse_query returns it.

import Model
import PromQL

extension JSONWriter {
    /// Writes `expr` in the shape of Prometheus 3.x's `translateAST`: one object per node with
    /// a `type`, keys in Go's sorted map order, durations in milliseconds.
    mutating func ast(_ expr: Expr) {
        switch expr {
        case .aggregate(let a):
            object { json in
                json.key("expr")
                json.ast(a.expr)
                json.key("grouping")
                json.strings(a.grouping)
                json.field("op", a.op.rawValue)
                json.key("param")
                if let param = a.param { json.ast(param) } else { json.null() }
                json.field("type", "aggregation")
                json.key("without")
                json.bool(a.without)
            }
        case .binary(let b):
            object { json in
                json.key("bool")
                json.bool(b.returnBool)
                json.key("lhs")
                json.ast(b.lhs)
                json.key("matching")
                if let m = b.matching {
                    json.matching(m.card.rawValue, include: m.include, labels: m.matchingLabels, on: m.on)
                } else if b.lhs.type == .vector && b.rhs.type == .vector {
                    // Prometheus keeps a default matching between two vectors.
                    json.matching(b.op.isSetOperator ? "many-to-many" : "one-to-one", include: [], labels: [], on: false)
                } else {
                    json.null()
                }
                json.field("op", b.op.rawValue)
                json.key("rhs")
                json.ast(b.rhs)
                json.field("type", "binaryExpr")
            }
        case .call(let c):
            object { json in
                json.key("args")
                json.array { json in
                    for arg in c.args { json.ast(arg) }
                }
                json.key("func")
                json.object { json in
                    json.key("argTypes")
                    json.strings(c.function.argTypes.map(Self.goName))
                    json.field("name", c.function.name)
                    json.field("returnType", Self.goName(c.function.returnType))
                    json.key("variadic")
                    json.integer(c.function.variadic)
                }
                json.field("type", "call")
            }
        case .matrixSelector(let m):
            object { json in
                json.key("matchers")
                json.matchers(m.selector.matchers)
                json.field("name", m.selector.name ?? "")
                json.key("offset")
                json.raw(String(m.selector.offset?.literalMilliseconds ?? 0))
                json.key("range")
                json.raw(String(m.range.literalMilliseconds ?? 0))
                json.at(m.selector.at)
                json.field("type", "matrixSelector")
            }
        case .subquery(let s):
            object { json in
                json.key("expr")
                json.ast(s.expr)
                json.key("offset")
                json.raw(String(s.offset?.literalMilliseconds ?? 0))
                json.key("range")
                json.raw(String(s.range.literalMilliseconds ?? 0))
                json.at(s.at, between: "step", String(s.step?.literalMilliseconds ?? 0))
                json.field("type", "subquery")
            }
        case .number(let n):
            object { json in
                json.field("type", "numberLiteral")
                json.field("val", GoFloat.formatF(n.value))
            }
        case .paren(let p):
            object { json in
                json.key("expr")
                json.ast(p.expr)
                json.field("type", "parenExpr")
            }
        case .string(let s):
            object { json in
                json.field("type", "stringLiteral")
                json.field("val", s.value)
            }
        case .unary(let u):
            object { json in
                json.key("expr")
                json.ast(u.expr)
                json.field("op", u.op.rawValue)
                json.field("type", "unaryExpr")
            }
        case .vectorSelector(let v):
            object { json in
                json.key("matchers")
                json.matchers(v.matchers)
                json.field("name", v.name ?? "")
                json.key("offset")
                json.raw(String(v.offset?.literalMilliseconds ?? 0))
                json.at(v.at)
                json.field("type", "vectorSelector")
            }
        }
    }

    /// `startOrEnd` and `timestamp`, in key order, with an optional key written between them
    /// (`step` sorts after `startOrEnd` and before `timestamp`).
    private mutating func at(_ at: AtModifier?, between key: String? = nil, _ value: String = "") {
        self.key("startOrEnd")
        switch at {
        case .start: string("start")
        case .end: string("end")
        default: null()
        }
        if let key {
            self.key(key)
            raw(value)
        }
        self.key("timestamp")
        if case .timestamp(let ms) = at { raw(String(ms)) } else { null() }
    }

    private mutating func matching(_ card: String, include: [String], labels: [String], on: Bool) {
        object { json in
            json.field("card", card)
            json.key("include")
            json.strings(include)
            json.key("labels")
            json.strings(labels)
            json.key("on")
            json.bool(on)
        }
    }

    private mutating func matchers(_ matchers: [LabelMatcher]) {
        array { json in
            for m in matchers {
                json.object { json in
                    json.field("name", m.name)
                    json.field("type", m.kind.rawValue)
                    json.field("value", m.value)
                }
            }
        }
    }

    private mutating func strings(_ values: [String]) {
        array { json in
            for value in values { json.string(value) }
        }
    }

    /// Prometheus's `parser.ValueType` names.
    private static func goName(_ type: ValueType) -> String {
        switch type {
        case .scalar: "scalar"
        case .vector: "vector"
        case .matrix: "matrix"
        case .string: "string"
        }
    }
}
