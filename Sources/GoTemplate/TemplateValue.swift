// Tollgate — GoTemplate: the dynamic values a template reads, prints and passes to functions.

/// A value inside a Go template: what `.`, variables, fields and function results hold.
///
/// Go's templates run over reflected Go values; Tollgate's over this enum, which keeps
/// the distinctions the output depends on: integers print as `1`, floats as Go's `%v`
/// (`1e+06`), and a missing map entry is the map's zero value (`""` for a string map such
/// as `$labels`, `<no value>` otherwise).
///
/// ```swift
/// let data: TemplateValue = .map(["Labels": .stringMap(["job": "api"]), "Value": .float(1e6)])
/// try GoTemplate(name: "t", text: "{{ .Labels.job }} {{ .Value }}").execute(data)  // "api 1e+06"
/// ```
public indirect enum TemplateValue: Sendable {
    /// A Go `string`.
    case string(String)
    /// A Go `int`.
    case int(Int)
    /// A Go `float64`.
    case float(Double)
    /// A Go `bool`.
    case bool(Bool)
    /// Go's nil (also what a missing value is): printed `<no value>` by an action, `<nil>` by fmt.
    case `nil`
    /// A Go slice, `[]interface{}`.
    case list([TemplateValue])
    /// A Go map with string keys; `zero` is what a missing key reads as (the element type's
    /// zero value: `.string("")` for `map[string]string`, `.nil` for `map[string]interface{}`).
    case map([String: TemplateValue], zero: TemplateValue)
    /// A Go struct (or pointer to one, when `pointer`), with named fields in declaration order.
    case record(TemplateRecord)
    /// A Go `time.Time` in UTC, as nanoseconds since the Unix epoch.
    case time(nanoseconds: Int64)
    /// A Go `time.Duration`, in nanoseconds.
    case duration(nanoseconds: Int64)
    /// A function value, run by the `call` builtin.
    case function(TemplateCallable)

    /// A `map[string]string`, such as `$labels`: a missing key reads as `""`.
    public static func stringMap(_ entries: [String: String]) -> TemplateValue {
        .map(entries.mapValues { .string($0) }, zero: .string(""))
    }

    /// A `map[string]interface{}`: a missing key reads as nil (`<no value>`).
    public static func map(_ entries: [String: TemplateValue]) -> TemplateValue { .map(entries, zero: .nil) }

    /// Go's truth: false, 0, nil, and empty strings, slices and maps are false.
    public var isTrue: Bool {
        switch self {
        case .string(let s): !s.isEmpty
        case .int(let i): i != 0
        case .float(let f): f != 0
        case .bool(let b): b
        case .nil: false
        case .list(let l): !l.isEmpty
        case .map(let m, _): !m.isEmpty
        case .record, .time, .function: true
        case .duration(let d): d != 0
        }
    }

    /// The Go type name, as fmt and error messages spell it (`float64`, `map[string]string`).
    public var goTypeName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .float: "float64"
        case .bool: "bool"
        case .nil: "<nil>"
        case .list: "[]interface {}"
        case .map(_, let zero):
            if case .string = zero { "map[string]string" } else { "map[string]interface {}" }
        case .record(let r): (r.pointer ? "*" : "") + r.typeName
        case .time: "time.Time"
        case .duration: "time.Duration"
        case .function: "func(...interface {}) (interface {}, error)"
        }
    }

    /// The value as Go's `fmt` prints it with `%v` (`fmt.Sprint`).
    public var goString: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .float(let f): GoFormat.formatFloatV(f)
        case .bool(let b): b ? "true" : "false"
        case .nil: "<nil>"
        case .list(let l): "[" + l.map(\.goString).joined(separator: " ") + "]"
        case .map(let m, _): "map[" + m.keys.sorted().map { "\($0):\(m[$0]?.goString ?? "<nil>")" }.joined(separator: " ") + "]"
        case .record(let r): (r.pointer ? "&{" : "{") + r.fields.map(\.value.goString).joined(separator: " ") + "}"
        case .time(let ns): GoTime.string(nanoseconds: ns)
        case .duration(let ns): GoTime.durationString(ns)
        case .function: "0x1"
        }
    }

    /// The text an action (`{{ x }}`) writes for this value: `<no value>` for nil, else ``goString``.
    var actionText: String {
        if case .nil = self { return "<no value>" }
        return goString
    }
}

/// A Go struct value: the type name for messages and the fields by name.
public struct TemplateRecord: Sendable {
    /// The Go type name, e.g. `template.sample`.
    public var typeName: String
    /// The fields, in declaration order (fmt prints them in this order).
    public var fields: [(name: String, value: TemplateValue)]
    /// Whether this is a pointer to the struct (fmt prints `&{…}`).
    public var pointer: Bool

    /// Creates a record.
    /// - Parameters:
    ///   - typeName: The Go type name, for fmt's `%T` and error messages.
    ///   - fields: The fields, in declaration order.
    ///   - pointer: Whether the value is a pointer to the struct.
    public init(typeName: String, fields: [(name: String, value: TemplateValue)], pointer: Bool = false) {
        self.typeName = typeName
        self.fields = fields
        self.pointer = pointer
    }

    /// The field called `name`, if the record has one.
    public subscript(name: String) -> TemplateValue? { fields.first { $0.name == name }?.value }
}

/// A function value a template can hold and run with `call`.
public struct TemplateCallable: Sendable {
    /// The function.
    public let body: TemplateFunction

    /// Wraps a function.
    /// - Parameter body: What `call` runs, with the remaining arguments.
    public init(_ body: @escaping TemplateFunction) { self.body = body }
}

/// A function a template calls by name: it takes the evaluated arguments (a piped value
/// last) and returns a value, or throws; the error's text becomes `error calling NAME: …`.
public typealias TemplateFunction = @Sendable ([TemplateValue]) throws -> TemplateValue

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral {
    /// A string literal is a `.string`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal is an `.int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A float literal is a `.float`.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A boolean literal is a `.bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
