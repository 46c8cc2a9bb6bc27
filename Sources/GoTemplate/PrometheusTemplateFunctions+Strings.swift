// Tollgate — GoTemplate: Prometheus's string, regex, link and query-result template functions.

import Model

extension PrometheusTemplateFunctions {
    static let stringFunctions: [String: TemplateFunction] = [
        "title": { args in
            try TemplateArityError.check(args, 1)
            return .string(title(try string(args[0], "string")))
        },
        "toUpper": { args in
            try TemplateArityError.check(args, 1)
            return .string(mapScalars(try string(args[0], "string")) { $0.properties.uppercaseMapping })
        },
        "toLower": { args in
            try TemplateArityError.check(args, 1)
            return .string(mapScalars(try string(args[0], "string")) { $0.properties.lowercaseMapping })
        },
        "match": { args in
            try TemplateArityError.check(args, 2)
            let regex = try compile(try string(args[0], "string"))
            return .bool(regex.matches(try string(args[1], "string")))
        },
        "reReplaceAll": { args in
            try TemplateArityError.check(args, 3)
            let pattern = try string(args[0], "string")
            let regex: GoRegex
            do {
                regex = try GoRegex(pattern)
            } catch {
                // regexp.MustCompile panics.
                throw TemplatePanic("regexp: Compile(\(backquote(pattern))): \(error)")
            }
            return .string(regex.replaceAll(in: try string(args[2], "string"), with: try string(args[1], "string")))
        },
        "graphLink": { args in
            try TemplateArityError.check(args, 1)
            return .string("/graph?g0.expr=\(TemplateBuiltins.queryEscape(try string(args[0], "string")))&g0.tab=0")
        },
        "tableLink": { args in
            try TemplateArityError.check(args, 1)
            return .string("/graph?g0.expr=\(TemplateBuiltins.queryEscape(try string(args[0], "string")))&g0.tab=1")
        },
        "urlQueryEscape": { args in
            try TemplateArityError.check(args, 1)
            return .string(TemplateBuiltins.queryEscape(try string(args[0], "string")))
        },
        "safeHtml": { args in
            try TemplateArityError.check(args, 1)
            return .string(try string(args[0], "string"))
        },
        "stripPort": { args in
            try TemplateArityError.check(args, 1)
            let hostPort = try string(args[0], "string")
            return .string(HostPort.split(hostPort)?.host ?? hostPort)
        },
        "stripDomain": { args in
            try TemplateArityError.check(args, 1)
            let hostPort = try string(args[0], "string")
            let split = HostPort.split(hostPort)
            let host = split?.host ?? hostPort
            if HostPort.isIP(host) { return .string(hostPort) }
            let first = String(host.split(separator: ".", omittingEmptySubsequences: false).first ?? "")
            if let port = split?.port, !port.isEmpty { return .string(HostPort.join(first, port)) }
            return .string(first)
        },
        "args": { args in
            var map: [String: TemplateValue] = [:]
            for (i, arg) in args.enumerated() { map["arg\(i)"] = arg }
            return .map(map, zero: .nil)
        },
    ]

    static let sampleFunctions: [String: TemplateFunction] = [
        "first": { args in
            try TemplateArityError.check(args, 1)
            guard case .list(let samples) = args[0] else { throw wrongType(args[0], "template.queryResult") }
            guard let first = samples.first else { throw TemplateFunctionError("first() called on vector with no elements") }
            return first
        },
        "label": { args in
            try TemplateArityError.check(args, 2)
            let name = try string(args[0], "string")
            guard case .record(let sample) = args[1], case .map(let labels, _)? = sample["Labels"] else { throw wrongType(args[1], "*template.sample") }
            return labels[name] ?? .string("")
        },
        "value": { args in
            try TemplateArityError.check(args, 1)
            guard case .record(let sample) = args[0], let value = sample["Value"] else { throw wrongType(args[0], "*template.sample") }
            return value
        },
        "strvalue": { args in
            try TemplateArityError.check(args, 1)
            guard case .record(let sample) = args[0], case .map(let labels, _)? = sample["Labels"] else { throw wrongType(args[0], "*template.sample") }
            return labels["__value__"] ?? .string("")
        },
        "sortByLabel": { args in
            try TemplateArityError.check(args, 2)
            let name = try string(args[0], "string")
            guard case .list(let samples) = args[1] else { throw wrongType(args[1], "template.queryResult") }
            func key(_ sample: TemplateValue) -> [UInt8] {
                guard case .record(let record) = sample, case .map(let labels, _)? = record["Labels"], case .string(let v)? = labels[name] else { return [] }
                return Array(v.utf8)
            }
            // A stable sort: equal keys keep their order.
            let sorted = samples.enumerated().sorted { a, b in
                let (ka, kb) = (key(a.element), key(b.element))
                return ka == kb ? a.offset < b.offset : ka.lexicographicallyPrecedes(kb)
            }
            return .list(sorted.map(\.element))
        },
    ]

    static func wrongType(_ value: TemplateValue, _ expected: String) -> TemplateFunctionError {
        TemplateFunctionError("wrong type for value; expected \(expected); got \(value.goTypeName)")
    }

    static func compile(_ pattern: String) throws -> GoRegex {
        do {
            return try GoRegex(pattern)
        } catch {
            throw TemplateFunctionError("\(error)")
        }
    }

    /// Go's regexp `quote`: backquoted when possible, else `strconv.Quote`.
    static func backquote(_ s: String) -> String {
        s.contains("`") || s.unicodeScalars.contains(where: { $0 != "\t" && !GoFormat.isPrint($0) }) ? GoFormat.quote(s) : "`" + s + "`"
    }

    /// Each scalar through its case mapping when that is one scalar (Go's per-rune mapping).
    static func mapScalars(_ s: String, _ mapping: (Unicode.Scalar) -> String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1, let only = mapped.first { out.append(only) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// `cases.Title(language.AmericanEnglish, cases.NoLower)`: the first letter of each word
    /// upper-cased, the rest left alone. Words are runs of letters, digits and `_`, joined by
    /// `'`, `.`, `:` between letters (Unicode word boundaries, closely enough).
    static func title(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var inWord = false
        for (i, scalar) in scalars.enumerated() {
            let isWordChar = scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_"
            if isWordChar {
                if !inWord {
                    let mapped = scalar.properties.titlecaseMapping.unicodeScalars
                    if mapped.count == 1, let only = mapped.first { out.append(only) } else { out.append(scalar) }
                    inWord = true
                    continue
                }
            } else if inWord, "'.:’".unicodeScalars.contains(scalar), i + 1 < scalars.count, scalars[i + 1].properties.isAlphabetic,
                i > 0, scalars[i - 1].properties.isAlphabetic
            {
                // Mid-word punctuation: the word goes on.
            } else {
                inWord = false
            }
            out.append(scalar)
        }
        return String(out)
    }
}
