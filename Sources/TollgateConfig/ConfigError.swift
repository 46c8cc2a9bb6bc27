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

    /// Creates an error.
    public init(file: String, line: Int?, field: String?, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "\(field): " }
        return text + message
    }
}
