// Tollgate — GoTemplate: Go's fmt (Sprint, Sprintln, Sprintf) over template values.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Model

/// Go's `fmt` verbs as `printf`, `print` and `println` apply them to template values.
enum GoFormat {
    /// `fmt.Sprint`: operands joined, with a space between two operands when neither is a string.
    static func sprint(_ args: [TemplateValue]) -> String {
        var out = ""
        for (i, arg) in args.enumerated() {
            if i > 0, !arg.isString, !args[i - 1].isString { out += " " }
            out += arg.goString
        }
        return out
    }

    /// `fmt.Sprintln`: operands joined by spaces, then a newline.
    static func sprintln(_ args: [TemplateValue]) -> String { args.map(\.goString).joined(separator: " ") + "\n" }

    /// A float as `%v` prints it: strconv's shortest `'g'` form (`1e+06`, `0.1`, `+Inf`).
    static func formatFloatV(_ value: Double) -> String { GoFloat.formatG(value) }

    /// `strconv.Quote`.
    static func quote(_ text: String) -> String { GoString.quote(text) }

    /// Go's `unicode.IsPrint`.
    static func isPrint(_ scalar: Unicode.Scalar) -> Bool { GoString.isPrint(scalar) }

    /// `%#U`: `U+0041 'A'`, or `U+00A0` for a character that does not print.
    static func unicodeVerbose(_ value: UInt32) -> String {
        let code = "U+" + hex(value, 4)
        guard let scalar = Unicode.Scalar(value), isPrint(scalar) else { return code }
        return code + " '" + String(Character(scalar)) + "'"
    }

    static func hex(_ value: UInt32, _ width: Int, upper: Bool = true) -> String {
        let digits = String(value, radix: 16, uppercase: upper)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A float in C's `%.<precision><verb>` (`e`, `f` or `g`), which for finite values is
    /// Go's form too (both round the exact binary value correctly).
    static func cFormat(_ value: Double, verb: Character, precision: Int, alternate: Bool = false) -> String {
        let spec = "%" + (alternate ? "#" : "") + ".\(min(precision, 500))" + String(verb)
        var buffer = [CChar](repeating: 0, count: 1100)
        let count = buffer.withUnsafeMutableBufferPointer { out in
            withVaList([value]) { vsnprintf(out.baseAddress, out.count, spec, $0) }
        }
        guard count > 0 else { return "" }
        return String(decoding: buffer.prefix(Int(min(count, 1099))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension TemplateValue {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }
}
