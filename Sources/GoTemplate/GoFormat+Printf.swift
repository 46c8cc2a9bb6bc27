// Tollgate — GoTemplate: Go's fmt.Sprintf verbs, flags, width and precision.

import Model

/// One `%` directive's flags, width and precision.
struct FormatSpec {
    var minus = false, plus = false, sharp = false, space = false, zero = false
    var width: Int?
    var precision: Int?
}

extension GoFormat {
    /// `fmt.Sprintf`: `%v %s %d %f %e %g %x %X %o %b %q %t %c %U %T %%`, with flags
    /// `+ - # 0` and space, width and precision (`*` reads them from the arguments);
    /// Go's `%!verb(type=value)`, `%!verb(MISSING)` and `%!(EXTRA …)` for mismatches.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        let f = Array(format.unicodeScalars)
        var out = ""
        var argIndex = 0
        var i = 0
        func readNumber() -> Int? {
            var n: Int?
            while i < f.count, let digit = f[i].properties.numericType == .decimal ? Int(String(f[i])) : nil, f[i].isASCII {
                n = (n ?? 0) * 10 + digit
                if n ?? 0 > 1_000_000 { n = 1_000_000 }
                i += 1
            }
            return n
        }
        while i < f.count {
            let c = f[i]
            guard c == "%" else {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            i += 1
            var spec = FormatSpec()
            flags: while i < f.count {
                switch f[i] {
                case "-": spec.minus = true; spec.zero = false
                case "+": spec.plus = true
                case "#": spec.sharp = true
                case " ": spec.space = true
                case "0": spec.zero = !spec.minus
                default: break flags
                }
                i += 1
            }
            if i < f.count, f[i] == "*" {
                i += 1
                if argIndex < args.count, case .int(let w) = args[argIndex] {
                    spec.width = abs(w)
                    if w < 0 { spec.minus = true; spec.zero = false }
                } else {
                    out += "%!(BADWIDTH)"
                }
                argIndex += 1
            } else {
                spec.width = readNumber()
            }
            if i < f.count, f[i] == "." {
                i += 1
                if i < f.count, f[i] == "*" {
                    i += 1
                    if argIndex < args.count, case .int(let p) = args[argIndex], p >= 0 {
                        spec.precision = p
                    } else {
                        out += "%!(BADPREC)"
                    }
                    argIndex += 1
                } else {
                    spec.precision = readNumber() ?? 0
                }
            }
            guard i < f.count else {
                out += "%!(NOVERB)"
                break
            }
            let verb = Character(f[i])
            i += 1
            if verb == "%" {
                out += "%"
                continue
            }
            guard argIndex < args.count else {
                out += "%!" + String(verb) + "(MISSING)"
                continue
            }
            out += Self.format(args[argIndex], verb: verb, spec: spec)
            argIndex += 1
        }
        if argIndex < args.count {
            out += "%!(EXTRA " + args[argIndex...].map { "\($0.goTypeName)=\($0.goString)" }.joined(separator: ", ") + ")"
        }
        return out
    }

    /// One argument under one verb.
    static func format(_ value: TemplateValue, verb: Character, spec: FormatSpec) -> String {
        if verb == "T" { return pad(value.goTypeName, spec) }
        switch value {
        case .bool(let b):
            guard verb == "v" || verb == "t" else { return bad(value, verb) }
            return pad(b ? "true" : "false", spec)
        case .int(let n): return formatInt(n, value: value, verb: verb, spec: spec)
        case .float(let x): return formatFloat(x, value: value, verb: verb, spec: spec)
        case .string(let s): return formatString(s, value: value, verb: verb, spec: spec)
        case .nil:
            guard verb == "v" else { return bad(value, verb) }
            return pad("<nil>", spec)
        case .time, .duration:
            switch verb {
            case "v", "s": return formatString(value.goString, value: value, verb: "s", spec: spec)
            case "q", "x", "X": return formatString(value.goString, value: value, verb: verb, spec: spec)
            case "d":
                if case .duration(let ns) = value { return formatInt(Int(ns), value: value, verb: "d", spec: spec) }
                return bad(value, verb)
            default: return bad(value, verb)
            }
        case .list(let items):
            return "[" + items.map { format($0, verb: verb, spec: spec) }.joined(separator: " ") + "]"
        case .map(let entries, _):
            return "map[" + entries.keys.sorted().map { key in
                format(.string(key), verb: verb, spec: spec) + ":" + format(entries[key] ?? .nil, verb: verb, spec: spec)
            }.joined(separator: " ") + "]"
        case .record(let record):
            let body = record.fields.map { field in
                (spec.plus && verb == "v" ? field.name + ":" : "") + format(field.value, verb: verb, spec: spec)
            }.joined(separator: " ")
            return (record.pointer ? "&{" : "{") + body + "}"
        case .function:
            return verb == "v" || verb == "p" ? "0x1" : bad(value, verb)
        }
    }

    /// `%!verb(type=value)`.
    static func bad(_ value: TemplateValue, _ verb: Character) -> String {
        if case .nil = value { return "%!" + String(verb) + "(<nil>)" }
        return "%!" + String(verb) + "(" + value.goTypeName + "=" + value.goString + ")"
    }

    static func pad(_ text: String, _ spec: FormatSpec, zeroAllowed: Bool = false) -> String {
        guard let width = spec.width else { return text }
        let count = text.unicodeScalars.count
        guard count < width else { return text }
        let fill = String(repeating: " ", count: width - count)
        return spec.minus ? text + fill : fill + text
    }

    /// Pads a number: zeros go between the sign (or `0x`) and the digits.
    static func padNumber(sign: String, prefix: String = "", digits: String, _ spec: FormatSpec) -> String {
        let body = sign + prefix + digits
        guard let width = spec.width, body.count < width else { return body }
        if spec.zero, !spec.minus {
            return sign + prefix + String(repeating: "0", count: width - body.count) + digits
        }
        return pad(body, spec)
    }

    static func formatInt(_ n: Int, value: TemplateValue, verb: Character, spec: FormatSpec) -> String {
        let magnitude = n.magnitude
        let sign = n < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : ""
        var digits: String
        var prefix = ""
        switch verb {
        case "d", "v": digits = String(magnitude)
        case "b": digits = String(magnitude, radix: 2)
        case "o", "O":
            digits = String(magnitude, radix: 8)
            if verb == "O" { prefix = "0o" } else if spec.sharp { prefix = "0" }
        case "x", "X":
            digits = String(magnitude, radix: 16, uppercase: verb == "X")
            if spec.sharp { prefix = verb == "X" ? "0X" : "0x" }
        case "c":
            guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: n)) else { return pad("\u{FFFD}", spec) }
            return pad(String(Character(scalar)), spec)
        case "q":
            guard let scalar = Unicode.Scalar(UInt32(truncatingIfNeeded: n)) else { return pad("'\u{FFFD}'", spec) }
            let quoted = quote(String(Character(scalar)))
            return pad("'" + quoted.dropFirst().dropLast().replacingDoubleQuote() + "'", spec)
        case "U": return pad("U+" + hex(UInt32(truncatingIfNeeded: n), 4), spec)
        default: return bad(value, verb)
        }
        if let precision = spec.precision {
            if precision == 0, n == 0 { digits = "" }
            if digits.count < precision { digits = String(repeating: "0", count: precision - digits.count) + digits }
            var unzeroed = spec
            unzeroed.zero = false
            return padNumber(sign: sign, prefix: prefix, digits: digits, unzeroed)
        }
        return padNumber(sign: sign, prefix: prefix, digits: digits, spec)
    }

    static func formatFloat(_ x: Double, value: TemplateValue, verb: Character, spec: FormatSpec) -> String {
        var text: String
        switch verb {
        case "v", "g", "G":
            if let precision = spec.precision, x.isFinite {
                text = cFormat(x, verb: "g", precision: max(precision, 1), alternate: spec.sharp)
            } else {
                text = GoFloat.formatG(x)
            }
            if verb == "G" { text = text.uppercased() }
        case "e", "E":
            text = x.isFinite ? cFormat(x, verb: "e", precision: spec.precision ?? 6, alternate: spec.sharp) : GoFloat.formatG(x)
            if verb == "E", x.isFinite { text = text.uppercased() }
        case "f", "F":
            text = x.isFinite ? cFormat(x, verb: "f", precision: spec.precision ?? 6, alternate: spec.sharp) : GoFloat.formatG(x)
        default: return bad(value, verb)
        }
        if x.isNaN {
            let sign = spec.plus ? "+" : spec.space ? " " : ""
            return pad(sign + "NaN", spec)
        }
        if x.isInfinite {
            return pad(x < 0 ? "-Inf" : spec.space && !spec.plus ? " Inf" : "+Inf", spec)
        }
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text.removeFirst()
        } else if spec.plus {
            sign = "+"
        } else if spec.space {
            sign = " "
        }
        return padNumber(sign: sign, digits: text, spec)
    }

    static func formatString(_ s: String, value: TemplateValue, verb: Character, spec: FormatSpec) -> String {
        switch verb {
        case "s", "v":
            var text = s
            if let precision = spec.precision { text = String(String.UnicodeScalarView(s.unicodeScalars.prefix(precision))) }
            return pad(text, spec)
        case "q":
            if spec.sharp, !s.contains("`"), s.unicodeScalars.allSatisfy({ isPrint($0) || $0 == "\t" }) { return pad("`" + s + "`", spec) }
            return pad(quote(s), spec)
        case "x", "X":
            var bytes = Array(s.utf8)
            if let precision = spec.precision { bytes = Array(bytes.prefix(precision)) }
            let parts = bytes.map { (spec.sharp ? (verb == "X" ? "0X" : "0x") : "") + hex(UInt32($0), 2, upper: verb == "X") }
            if spec.space { return pad(parts.joined(separator: " "), spec) }
            return pad((spec.sharp && !parts.isEmpty ? (verb == "X" ? "0X" : "0x") : "") + parts.map { spec.sharp ? String($0.dropFirst(2)) : $0 }.joined(), spec)
        default: return bad(value, verb)
        }
    }
}

extension Substring {
    /// A `"`-quoted body made `'`-quoted: `\"` becomes `"` and `'` becomes `\'`.
    fileprivate func replacingDoubleQuote() -> String {
        var out = ""
        var escaped = false
        for c in self {
            if escaped {
                out += c == "\"" ? "\"" : "\\" + String(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out += c == "'" ? "\\'" : String(c)
            }
        }
        return out
    }
}
