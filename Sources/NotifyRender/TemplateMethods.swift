// Tollgate — NotifyRender: the Go methods of Alertmanager's template types (`KV`, `Pairs`,
// `Alerts`), for GoTemplate's method lookup.

import GoTemplate

/// Alertmanager's template methods: `KV.SortedPairs/Names/Values/Remove`, `Pairs.Names/Values`,
/// `Alerts.Firing/Resolved`.
enum TemplateMethods {
    static let alertType = "template.Alert"
    static let pairType = "template.Pair"
    /// Go's zero `time.Time` as far as templates print it (before any real alert time).
    static let zeroTime = Int64.min

    /// Finds the method `name` of `receiver`: every string map of the data is a `KV`, a list
    /// of alerts is `Alerts`, a list of pairs is `Pairs`.
    static let resolver: @Sendable (TemplateValue, String) -> TemplateFunction? = { receiver, name in
        switch receiver {
        case .map(let entries, .string):
            let kv = entries.compactMapValues { value -> String? in
                if case .string(let s) = value { return s }
                return nil
            }
            switch name {
            case "SortedPairs": return { args in
                    try TemplateArityError.check(args, 0)
                    return pairs(sortedPairs(kv))
                }
            case "Names": return { args in
                    try TemplateArityError.check(args, 0)
                    return .list(sortedPairs(kv).map { .string($0.name) })
                }
            case "Values": return { args in
                    try TemplateArityError.check(args, 0)
                    return .list(sortedPairs(kv).map { .string($0.value) })
                }
            case "Remove": return { args in
                    try TemplateArityError.check(args, 1)
                    guard case .list(let keys) = args[0] else {
                        throw TemplateFunctionError("wrong type for value; expected []string; got \(args[0].goTypeName)")
                    }
                    var rest = kv
                    for key in keys { if case .string(let k) = key { rest[k] = nil } }
                    return .stringMap(rest)
                }
            default: return nil
            }
        case .list(let items):
            if items.allSatisfy({ isRecord($0, alertType) }), name == "Firing" || name == "Resolved" {
                let wanted = name == "Firing" ? "firing" : "resolved"
                return { args in
                    try TemplateArityError.check(args, 0)
                    return .list(
                        items.filter { item in
                            if case .record(let r) = item, case .string(let status)? = r["Status"] { return status == wanted }
                            return false
                        })
                }
            }
            if items.allSatisfy({ isRecord($0, pairType) }), name == "Names" || name == "Values" {
                return { args in
                    try TemplateArityError.check(args, 0)
                    return .list(items.compactMap { item in if case .record(let r) = item { return r[name == "Names" ? "Name" : "Value"] } else { return nil } })
                }
            }
            return nil
        default:
            return nil
        }
    }

    private static func isRecord(_ value: TemplateValue, _ typeName: String) -> Bool {
        if case .record(let r) = value { return r.typeName == typeName }
        return false
    }

    /// `KV.SortedPairs`: `alertname` first, then the other names in byte order.
    static func sortedPairs(_ kv: [String: String]) -> [(name: String, value: String)] {
        var names = kv.keys.filter { $0 != "alertname" }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        if kv["alertname"] != nil { names.insert("alertname", at: 0) }
        return names.map { ($0, kv[$0] ?? "") }
    }

    static func pairs(_ pairs: [(name: String, value: String)]) -> TemplateValue {
        .list(pairs.map { .record(TemplateRecord(typeName: pairType, fields: [("Name", .string($0.name)), ("Value", .string($0.value))])) })
    }
}
