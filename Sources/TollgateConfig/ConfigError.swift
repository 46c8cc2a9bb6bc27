// Tollgate — TollgateConfig: errors that name the file, line and field.

/// A configuration problem, located in its file.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or `<embedded default>`.
    public var file: String
    /// 1-based line, or nil when the problem has no position.
    public var line: Int?
    /// The dotted path of the field, e.g. `global.scrape_interval`.
    public var field: String?
    /// What is wrong.
    public var message: String
    /// Further problems found in the same pass, in file order: a file is read to its end
    /// so that one run names every problem.
    public var more: [ConfigError] = []

    /// Creates an error.
    public init(file: String, line: Int?, field: String?, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// This problem and every further one, each without ``more``.
    public var all: [ConfigError] {
        var first = self
        first.more = []
        return [first] + more
    }

    /// One error holding `errors` (the first, with the rest as ``more``); nil when empty.
    public init?(collecting errors: [ConfigError]) {
        let flat = errors.flatMap(\.all)
        guard var first = flat.first else { return nil }
        first.more = Array(flat.dropFirst())
        self = first
    }

    /// Every problem, one per line.
    public var description: String { all.map(\.located).joined(separator: "\n") }

    /// `file:line: field: message`.
    public var located: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "\(field): " }
        return text + message
    }
}
