// Tollgate — GoTemplate: the parse tree, shaped as Go's text/template/parse nodes.

/// A node of a template's body.
indirect enum TemplateNode: Sendable {
    case text(String)
    case action(TemplatePipe)
    case ifNode(TemplateBranch)
    case rangeNode(TemplateBranch)
    case withNode(TemplateBranch)
    case template(pos: Int, name: String, pipe: TemplatePipe?)
    case breakNode(pos: Int)
    case continueNode(pos: Int)
}

/// `if`, `range` and `with`: a pipeline, a body and an optional `else` body.
struct TemplateBranch: Sendable {
    var pos: Int
    var pipe: TemplatePipe
    var list: [TemplateNode]
    var elseList: [TemplateNode]?
}

/// A pipeline: optional variable declarations (`$x :=`) or assignments (`$x =`), then
/// commands joined by `|`.
struct TemplatePipe: Sendable, CustomStringConvertible {
    var pos: Int
    var isAssign = false
    var decl: [(pos: Int, name: String)] = []
    var commands: [TemplateCommand] = []

    var description: String {
        var s = ""
        if !decl.isEmpty {
            s = decl.map(\.name).joined(separator: ", ") + (isAssign ? " = " : " := ")
        }
        return s + commands.map(\.description).joined(separator: " | ")
    }
}

/// One command of a pipeline: an operand and its arguments.
struct TemplateCommand: Sendable, CustomStringConvertible {
    var pos: Int
    var args: [TemplateArg] = []

    var description: String {
        args.map { arg in
            if case .pipe(let pipe) = arg { return "(\(pipe))" }
            return arg.description
        }.joined(separator: " ")
    }
}

/// An operand.
indirect enum TemplateArg: Sendable, CustomStringConvertible {
    /// `.A.B`: fields of dot.
    case field(pos: Int, names: [String])
    /// `$x.A.B`: a variable and fields of it.
    case variable(pos: Int, name: String, fields: [String])
    /// `(pipeline).A` or `fn.A`: fields of another operand.
    case chain(pos: Int, base: TemplateArg, fields: [String])
    case dot(pos: Int)
    case nilValue(pos: Int)
    case bool(pos: Int, Bool)
    case number(pos: Int, TemplateNumber)
    case string(pos: Int, quoted: String, value: String)
    case identifier(pos: Int, name: String)
    case pipe(TemplatePipe)

    var pos: Int {
        switch self {
        case .field(let pos, _), .variable(let pos, _, _), .chain(let pos, _, _), .dot(let pos), .nilValue(let pos),
            .bool(let pos, _), .number(let pos, _), .string(let pos, _, _), .identifier(let pos, _):
            pos
        case .pipe(let pipe): pipe.pos
        }
    }

    var description: String {
        switch self {
        case .field(_, let names): names.map { "." + $0 }.joined()
        case .variable(_, let name, let fields): name + fields.map { "." + $0 }.joined()
        case .chain(_, let base, let fields):
            (base.isPipe ? "(\(base))" : base.description) + fields.map { "." + $0 }.joined()
        case .dot: "."
        case .nilValue: "nil"
        case .bool(_, let b): b ? "true" : "false"
        case .number(_, let n): n.text
        case .string(_, let quoted, _): quoted
        case .identifier(_, let name): name
        case .pipe(let pipe): pipe.description
        }
    }

    var isPipe: Bool {
        if case .pipe = self { return true }
        return false
    }
}

/// A numeric constant with the readings Go's `NumberNode` keeps.
struct TemplateNumber: Sendable {
    var text: String
    var int: Int?
    var float: Double?
    var isUint = false

    /// Go's `idealConstant`: a float when written as one, else an int.
    func value() throws(TemplateExecError) -> TemplateValue {
        let lower = text.lowercased()
        let hex = lower.hasPrefix("0x") || lower.hasPrefix("-0x") || lower.hasPrefix("+0x")
        if let float, !hex, !text.hasPrefix("'"), text.contains(where: { ".eEpP".contains($0) }) { return .float(float) }
        if let int { return .int(int) }
        throw TemplateExecError("\(text) overflows int")
    }

    /// Go's `newNumber`, for the forms a template can spell.
    static func parse(_ text: String, isChar: Bool) -> TemplateNumber? {
        if isChar {
            guard let scalar = GoLiteral.unquoteChar(text) else { return nil }
            return TemplateNumber(text: text, int: Int(scalar.value), float: Double(scalar.value))
        }
        if text.hasSuffix("i") { return nil }  // complex constants are not supported
        let cleaned = String(text.filter { $0 != "_" })
        var body = Substring(cleaned)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        var radix = 10
        let lower = body.lowercased()
        if lower.hasPrefix("0x") {
            radix = 16
        } else if lower.hasPrefix("0o") {
            radix = 8
        } else if lower.hasPrefix("0b") {
            radix = 2
        } else if body.count > 1, body.hasPrefix("0"), body.allSatisfy(\.isNumber) {
            radix = 8
        }
        var number = TemplateNumber(text: text)
        let digits = radix == 10 ? body : (radix == 8 && !lower.hasPrefix("0o") ? body.dropFirst() : body.dropFirst(2))
        if let magnitude = UInt64(digits, radix: radix) {
            if negative {
                if magnitude <= UInt64(Int64.max) + 1 { number.int = magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude) }
            } else if magnitude <= UInt64(Int.max) {
                number.int = Int(magnitude)
            } else {
                number.isUint = true
            }
            number.float = negative ? -Double(magnitude) : Double(magnitude)
            return number
        }
        guard radix == 10 || radix == 16, let float = GoLiteral.parseFloat(String(cleaned)) else { return nil }
        if !text.contains(where: { ".eEpP".contains($0) }) { return nil }  // integer overflow
        number.float = float
        if float == float.rounded(), abs(float) < 9.2e18 { number.int = Int(float) }
        return number
    }
}
