// Tollgate — NotifyRender: Alertmanager's template function map (`template.DefaultFuncs`).

public import GoTemplate

/// Alertmanager's template functions, beyond Go's builtins: `toUpper toLower title trimSpace
/// join match safeHtml safeUrl urlUnescape reReplaceAll stringSlice date tz since humanizeDuration`.
public enum AlertmanagerFunctions {
    /// The function map.
    /// - Parameter now: The clock `since` reads, nanoseconds since the epoch.
    /// - Returns: Functions by name, for ``GoTemplate``.
    public static func functions(now: @escaping @Sendable () -> Int64) -> [String: TemplateFunction] {
        let prometheus = PrometheusTemplateFunctions.functions(PrometheusTemplateContext())
        var f: [String: TemplateFunction] = [:]
        for name in ["toUpper", "toLower", "match", "reReplaceAll", "humanizeDuration"] { f[name] = prometheus[name] }
        f["title"] = { args in
            try TemplateArityError.check(args, 1)
            return .string(goTitle(try string(args[0])))
        }
        f["trimSpace"] = { args in
            try TemplateArityError.check(args, 1)
            return .string(trimSpace(try string(args[0])))
        }
        f["join"] = { args in
            try TemplateArityError.check(args, 2)
            let separator = try string(args[0])
            guard case .list(let items) = args[1] else { throw wrongType(args[1], "[]string") }
            var parts: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw wrongType(args[1], "[]string") }
                parts.append(s)
            }
            return .string(parts.joined(separator: separator))
        }
        f["safeHtml"] = { args in
            try TemplateArityError.check(args, 1)
            return .string(try string(args[0]))
        }
        f["safeUrl"] = f["safeHtml"]
        f["urlUnescape"] = { args in
            try TemplateArityError.check(args, 1)
            return .string(try queryUnescape(try string(args[0])))
        }
        f["stringSlice"] = { args in
            for arg in args { _ = try string(arg) }
            return .list(args)
        }
        f["date"] = { args in
            try TemplateArityError.check(args, 2)
            guard case .time(let ns) = args[1] else { throw wrongType(args[1], "time.Time") }
            return .string(GoTime.format(nanoseconds: ns, layout: try string(args[0])))
        }
        f["tz"] = { args in
            try TemplateArityError.check(args, 2)
            let zone = try string(args[0])
            guard case .time = args[1] else { throw wrongType(args[1], "time.Time") }
            // Times are UTC here; other zones are not available.
            guard zone == "UTC" || zone.isEmpty else { throw TemplateFunctionError("unknown time zone \(zone)") }
            return args[1]
        }
        f["since"] = { args in
            try TemplateArityError.check(args, 1)
            guard case .time(let ns) = args[0] else { throw wrongType(args[0], "time.Time") }
            return .duration(nanoseconds: now() &- ns)
        }
        return f
    }

    static func string(_ value: TemplateValue) throws -> String {
        guard case .string(let s) = value else { throw wrongType(value, "string") }
        return s
    }

    static func wrongType(_ value: TemplateValue, _ expected: String) -> TemplateFunctionError {
        TemplateFunctionError("wrong type for value; expected \(expected); got \(value.goTypeName)")
    }

    /// Go's `strings.Title`: the first letter after a separator upper-cased.
    static func goTitle(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in s.unicodeScalars {
            if isSeparator(previous) {
                let mapped = scalar.properties.titlecaseMapping.unicodeScalars
                if mapped.count == 1, let only = mapped.first { out.append(only) } else { out.append(scalar) }
            } else {
                out.append(scalar)
            }
            previous = scalar
        }
        return String(out)
    }

    private static func isSeparator(_ r: Unicode.Scalar) -> Bool {
        if r.isASCII {
            if ("0"..."9").contains(r) || ("a"..."z").contains(r) || ("A"..."Z").contains(r) || r == "_" { return false }
            return true
        }
        if r.properties.isAlphabetic || r.properties.numericType != nil { return false }
        return r.properties.isWhitespace
    }

    /// Go's `strings.TrimSpace`.
    static func trimSpace(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }

    /// Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte.
    static func queryUnescape(_ s: String) throws -> String {
        var bytes: [UInt8] = []
        let input = Array(s.utf8)
        var i = 0
        while i < input.count {
            switch input[i] {
            case UInt8(ascii: "+"):
                bytes.append(0x20)
                i += 1
            case UInt8(ascii: "%"):
                guard i + 2 < input.count, let high = hex(input[i + 1]), let low = hex(input[i + 2]) else {
                    let end = min(input.count, i + 3)
                    throw TemplateFunctionError("invalid URL escape \(GoQuote.quote(String(decoding: input[i..<end], as: UTF8.self)))")
                }
                bytes.append(high << 4 | low)
                i += 3
            default:
                bytes.append(input[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Go's `strconv.Quote` for the ASCII texts errors quote.
enum GoQuote {
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
