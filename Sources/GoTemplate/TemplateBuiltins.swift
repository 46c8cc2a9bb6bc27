// Tollgate — GoTemplate: Go's builtin template functions (text/template/funcs.go), `and` and `or` aside.

/// The builtins every template has: `not len index slice print printf println html js
/// urlquery eq ne lt le gt ge call` (`and` and `or` short-circuit in the executor).
enum TemplateBuiltins {
    static let names: Set<String> = Set(functions.keys).union(["and", "or"])

    static let functions: [String: TemplateFunction] = [
        "not": { args in
            try TemplateArityError.check(args, 1)
            return .bool(!args[0].isTrue)
        },
        "len": { args in
            try TemplateArityError.check(args, 1)
            switch args[0] {
            case .string(let s): return .int(s.utf8.count)
            case .list(let l): return .int(l.count)
            case .map(let m, _): return .int(m.count)
            case .nil: throw TemplateFunctionError("len of untyped nil")
            default: throw TemplateFunctionError("len of type \(args[0].goTypeName)")
            }
        },
        "index": { args in
            guard var item = args.first else { throw TemplateArityError(want: 1, got: 0, variadic: true) }
            if case .nil = item { throw TemplateFunctionError("index of untyped nil") }
            for index in args.dropFirst() { item = try TemplateBuiltins.index(item, index) }
            return item
        },
        "slice": { args in
            guard let item = args.first else { throw TemplateArityError(want: 1, got: 0, variadic: true) }
            return try TemplateBuiltins.slice(item, Array(args.dropFirst()))
        },
        "print": { args in .string(GoFormat.sprint(args)) },
        "println": { args in .string(GoFormat.sprintln(args)) },
        "printf": { args in
            guard let first = args.first else { throw TemplateArityError(want: 1, got: 0, variadic: true) }
            guard case .string(let format) = first else { throw TemplateFunctionError("wrong type for value; expected string; got \(first.goTypeName)") }
            return .string(GoFormat.sprintf(format, Array(args.dropFirst())))
        },
        "html": { args in .string(htmlEscape(evalArgs(args))) },
        "js": { args in .string(jsEscape(evalArgs(args))) },
        "urlquery": { args in .string(queryEscape(evalArgs(args))) },
        "eq": { args in
            guard let first = args.first else { throw TemplateArityError(want: 1, got: 0, variadic: true) }
            guard args.count > 1 else { throw TemplateFunctionError("missing argument for comparison") }
            for other in args.dropFirst() where try TemplateComparison.equal(first, other) { return .bool(true) }
            return .bool(false)
        },
        "ne": { args in
            try TemplateArityError.check(args, 2)
            return .bool(try !TemplateComparison.equal(args[0], args[1]))
        },
        "lt": { args in
            try TemplateArityError.check(args, 2)
            return .bool(try TemplateComparison.less(args[0], args[1]))
        },
        "le": { args in
            try TemplateArityError.check(args, 2)
            return .bool(try TemplateComparison.less(args[0], args[1]) || TemplateComparison.equal(args[0], args[1]))
        },
        "gt": { args in
            try TemplateArityError.check(args, 2)
            return .bool(try !(TemplateComparison.less(args[0], args[1]) || TemplateComparison.equal(args[0], args[1])))
        },
        "ge": { args in
            try TemplateArityError.check(args, 2)
            return .bool(try !TemplateComparison.less(args[0], args[1]))
        },
        "call": { args in
            guard let first = args.first else { throw TemplateArityError(want: 1, got: 0, variadic: true) }
            guard case .function(let callable) = first else {
                throw TemplateFunctionError("non-function of type \(first.goTypeName)")
            }
            return try callable.body(Array(args.dropFirst()))
        },
    ]

    /// Go's `evalArgs`: a lone string as is, anything else through `fmt.Sprint`.
    static func evalArgs(_ args: [TemplateValue]) -> String {
        if args.count == 1, case .string(let s) = args[0] { return s }
        return GoFormat.sprint(args)
    }

    static func index(_ item: TemplateValue, _ index: TemplateValue) throws -> TemplateValue {
        switch item {
        case .list, .string:
            guard case .int(let i) = index else {
                if case .nil = index { throw TemplateFunctionError("cannot index slice/array with nil") }
                throw TemplateFunctionError("cannot index slice/array with type \(index.goTypeName)")
            }
            if case .list(let list) = item {
                guard i >= 0, i < list.count else { throw TemplateFunctionError("index out of range: \(i)") }
                return list[i]
            }
            let bytes = Array(item.goString.utf8)
            guard i >= 0, i < bytes.count else { throw TemplateFunctionError("index out of range: \(i)") }
            return .int(Int(bytes[i]))
        case .map(let entries, let zero):
            guard case .string(let key) = index else { throw TemplateFunctionError("value has type \(index.goTypeName); should be string") }
            return entries[key] ?? zero
        case .nil: throw TemplateFunctionError("index of nil pointer")
        default: throw TemplateFunctionError("can't index item of type \(item.goTypeName)")
        }
    }

    static func slice(_ item: TemplateValue, _ indexes: [TemplateValue]) throws -> TemplateValue {
        if case .nil = item { throw TemplateFunctionError("slice of untyped nil") }
        if indexes.count > 3 { throw TemplateFunctionError("too many slice indexes: \(indexes.count)") }
        let count: Int
        switch item {
        case .string(let s):
            if indexes.count == 3 { throw TemplateFunctionError("cannot 3-index slice a string") }
            count = s.utf8.count
        case .list(let l): count = l.count
        default: throw TemplateFunctionError("can't slice item of type \(item.goTypeName)")
        }
        var bounds = [0, count]
        for (k, index) in indexes.prefix(2).enumerated() {
            guard case .int(let i) = index else { throw TemplateFunctionError("cannot index slice/array with type \(index.goTypeName)") }
            guard i >= 0, i <= count else { throw TemplateFunctionError("index out of range: \(i)") }
            bounds[k] = i
        }
        if bounds[0] > bounds[1] { throw TemplateFunctionError("invalid slice index: \(bounds[0]) > \(bounds[1])") }
        switch item {
        case .string(let s): return .string(String(decoding: Array(s.utf8)[bounds[0]..<bounds[1]], as: UTF8.self))
        case .list(let l): return .list(Array(l[bounds[0]..<bounds[1]]))
        default: return item
        }
    }

    /// Go's `template.HTMLEscapeString`.
    static func htmlEscape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Go's `template.JSEscapeString`.
    static func jsEscape(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + GoFormat.hex(scalar.value, 2)
                } else if scalar.value >= 0x80, !GoFormat.isPrint(scalar) {
                    out += "\\u" + GoFormat.hex(scalar.value, 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`.
    static func queryEscape(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): out += "+"
            default: out += "%" + GoFormat.hex(UInt32(byte), 2)
            }
        }
        return out
    }
}

/// Go's `eq` and `lt` rules over basic kinds: bool, int, float, string.
enum TemplateComparison {
    private enum Kind { case bool, int, float, string, other, invalid }

    private static func kind(_ v: TemplateValue) -> Kind {
        switch v {
        case .bool: .bool
        case .int: .int
        case .float: .float
        case .string: .string
        case .nil: .invalid
        default: .other
        }
    }

    static func equal(_ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
        let (ka, kb) = (kind(a), kind(b))
        if ka == .invalid || kb == .invalid { return ka == kb }
        guard ka == kb else { throw TemplateFunctionError("incompatible types for comparison") }
        switch (a, b) {
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.time(let x), .time(let y)): return x == y
        case (.duration(let x), .duration(let y)): return x == y
        default: throw TemplateFunctionError("non-comparable type \(a.goString): \(a.goTypeName)")
        }
    }

    static func less(_ a: TemplateValue, _ b: TemplateValue) throws -> Bool {
        let (ka, kb) = (kind(a), kind(b))
        if ka == .other || ka == .invalid || kb == .other || kb == .invalid { throw TemplateFunctionError("invalid type for comparison") }
        guard ka == kb else { throw TemplateFunctionError("incompatible types for comparison") }
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y
        case (.float(let x), .float(let y)): return x < y
        case (.string(let x), .string(let y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        default: throw TemplateFunctionError("invalid type for comparison")
        }
    }
}
