// Tollgate — PromQL: printing expressions back to query text, as Prometheus's printer.go does.

import Model

extension Expr: CustomStringConvertible {
    /// The expression as PromQL text that parses back to an equal tree, formatted like
    /// Prometheus's `String()`: `sum by (job) (rate(x[5m]))`, `a + on (b) group_left (c) d`,
    /// `foo @ 100.000 offset 5m`.
    public var description: String {
        switch self {
        case .number(let n): n.description
        case .string(let s): goQuote(s.value)
        case .vectorSelector(let v): v.description
        case .matrixSelector(let m): m.description
        case .subquery(let s): s.description
        case .call(let c): "\(c.function.name)(\(c.args.map(\.description).joined(separator: ", ")))"
        case .aggregate(let a): a.description
        case .binary(let b): b.description
        case .unary(let u): "\(u.op.rawValue)\(u.expr)"
        case .paren(let p): "(\(p.expr))"
        }
    }
}

extension NumberLiteral: CustomStringConvertible {
    /// Go's `FormatFloat(v, 'f', -1, 64)`, or the duration when written as one (`5m`).
    public var description: String {
        if isDuration, value.isFinite, (value * 1000).rounded() == value * 1000, abs(value) < 9e15 {
            return PromDuration(milliseconds: Int64((value * 1000).rounded())).description
        }
        return goFormatFloat(value)
    }
}

extension DurationExpr: CustomStringConvertible {
    /// Literals as Prometheus durations (`1h30m`), arithmetic with spaces around operators.
    public var description: String {
        switch self {
        case .literal(let ms): PromDuration(milliseconds: ms).description
        case .number(let s): goFormatFloat(s)
        case .step: "step()"
        case .range: "range()"
        case .minOf(let a, let b): "min_of(\(a), \(b))"
        case .maxOf(let a, let b): "max_of(\(a), \(b))"
        case .paren(let e): "(\(e))"
        case .negate(let e): "-\(e)"
        case .binary(let op, let a, let b): "\(a) \(op.rawValue) \(b)"
        }
    }

    /// A whole range, step or offset: plain numbers of seconds print as durations (`[300]` as `[5m]`).
    var topLevelDescription: String {
        if case .number = self, let ms = literalMilliseconds { return PromDuration(milliseconds: ms).description }
        return description
    }

    /// As written after `offset`: anything but a plain literal needs parentheses to parse back.
    var offsetDescription: String {
        switch self {
        case .number: topLevelDescription
        case .literal, .step, .range, .minOf, .maxOf, .paren: description
        case .negate(let inner):
            switch inner {
            case .paren, .step, .range, .minOf, .maxOf: description
            default: "-(\(inner))"
            }
        case .binary: "(\(description))"
        }
    }
}

/// ` @ 100.000`, ` @ start()`, ` @ end()`.
private func atSuffix(_ at: AtModifier?) -> String {
    switch at {
    case .timestamp(let ms)?:
        let sign = ms < 0 ? "-" : ""
        let magnitude = ms.magnitude
        let frac = String(magnitude % 1000)
        return " @ \(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    case .start?: return " @ start()"
    case .end?: return " @ end()"
    case nil: return ""
    }
}

private func offsetSuffix(_ offset: DurationExpr?) -> String {
    guard let offset else { return "" }
    if offset.literalMilliseconds == 0 { return "" }
    return " offset \(offset.offsetDescription)"
}

/// A label name as PromQL accepts it: bare when legacy, else quoted.
private func labelName(_ name: String) -> String {
    SeriesText.isLegacyLabelName(name) ? name : goQuote(name)
}

private func groupingList(_ labels: [String]) -> String {
    labels.map(labelName).joined(separator: ", ")
}

extension VectorSelector: CustomStringConvertible {
    /// `name{a="b"} @ t offset d`, matchers sorted; a name that is not a legacy metric name is
    /// printed quoted inside the braces.
    public var description: String { selectorText + extendedSuffix + atSuffix(at) + offsetSuffix(offset) }

    /// ` anchored` / ` smoothed`.
    var extendedSuffix: String { (anchored ? " anchored" : "") + (smoothed ? " smoothed" : "") }

    /// The selector without `@` and `offset`.
    var selectorText: String {
        var labels: [String] = []
        var printedName = name ?? ""
        var quotedName: String?
        for m in matchers {
            if m.name == metricNameLabel, m.kind == .equal, m.value == name, !m.value.isEmpty { continue }
            labels.append(labelName(m.name) + m.kind.rawValue + goQuote(m.value))
        }
        if let name, !SeriesText.isLegacyMetricName(name) || isReservedWord(name) {
            quotedName = goQuote(name)
            printedName = ""
        }
        labels.sort()
        if let quotedName { labels.insert(quotedName, at: 0) }
        if labels.isEmpty { return printedName }
        return "\(printedName){\(labels.joined(separator: ","))}"
    }
}

/// Words that would not parse back as a bare metric name.
private func isReservedWord(_ name: String) -> Bool {
    let lower = name.lowercased()
    return ["bool", "on", "ignoring", "group_left", "group_right", "atan2", "inf", "nan"].contains(lower)
}

extension MatrixSelector: CustomStringConvertible {
    /// `selector[range] anchored @ t offset d`.
    public var description: String {
        "\(selector.selectorText)[\(range.topLevelDescription)]" + selector.extendedSuffix + atSuffix(selector.at)
            + offsetSuffix(selector.offset)
    }
}

extension SubqueryExpr: CustomStringConvertible {
    /// `expr[range:step] @ t offset d`.
    public var description: String {
        "\(expr)[\(range.topLevelDescription):\(step.map(\.topLevelDescription) ?? "")]" + atSuffix(at) + offsetSuffix(offset)
    }
}

extension AggregateExpr: CustomStringConvertible {
    /// `op by (labels) (param, expr)`; `by` is left out when empty, `without` never.
    public var description: String {
        var out = op.rawValue
        if without {
            out += " without (\(groupingList(grouping))) "
        } else if !grouping.isEmpty {
            out += " by (\(groupingList(grouping))) "
        }
        out += "("
        if let param { out += "\(param), " }
        return out + "\(expr))"
    }
}

extension BinaryExpr: CustomStringConvertible {
    /// `lhs op [bool] [on|ignoring (…) [group_x (…)]] [fill…] rhs`.
    public var description: String {
        var out = "\(lhs) \(op.rawValue)"
        if returnBool { out += " bool" }
        if let m = matching {
            let grouped = m.card == .manyToOne || m.card == .oneToMany
            if !m.matchingLabels.isEmpty || m.on || grouped || m.hasMatchingClause {
                out += " \(m.on ? "on" : "ignoring") (\(groupingList(m.matchingLabels)))"
                if grouped {
                    out += " \(m.card == .manyToOne ? "group_left" : "group_right") (\(groupingList(m.include)))"
                }
            }
            switch (m.fillLeft, m.fillRight) {
            case (let l?, let r?) where l.bitPattern == r.bitPattern || (l.isNaN && r.isNaN):
                out += " fill(\(goFormatFloat(l)))"
            default:
                if let l = m.fillLeft { out += " fill_left(\(goFormatFloat(l)))" }
                if let r = m.fillRight { out += " fill_right(\(goFormatFloat(r)))" }
            }
        }
        return out + " \(rhs)"
    }
}
