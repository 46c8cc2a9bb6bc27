// Tollgate — NotifyRender: Alertmanager's template set (`template.FromGlobs`) and its
// `ExecuteTextString` / `ExecuteHTMLString`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import GoTemplate

/// The notification templates: Alertmanager's defaults, then the user's files (a later
/// definition of a name replaces an earlier one), with Alertmanager's functions and methods.
///
/// ```swift
/// let templates = try TemplateSet(files: [("my.tmpl", #"{{ define "my.title" }}{{ .Status }}{{ end }}"#)])
/// try templates.expand(text: #"{{ template "my.title" . }}"#, data: data)  // "firing"
/// ```
public struct TemplateSet: Sendable {
    let library: GoTemplate
    let htmlLibrary: GoTemplate
    let functions: [String: TemplateFunction]

    /// Parses the default templates and `files`.
    /// - Parameters:
    ///   - files: The user's template files, as (name, text), in load order.
    ///   - now: The clock `since` reads, nanoseconds since the epoch.
    /// - Throws: ``TemplateError`` naming the file that does not parse.
    public init(files: [(name: String, text: String)] = [], now: @escaping @Sendable () -> Int64 = TemplateSet.systemNow) throws(TemplateError) {
        functions = AlertmanagerFunctions.functions(now: now)
        let all = [("default.tmpl", DefaultTemplates.default), ("email.tmpl", DefaultTemplates.email)] + files.map { ($0.name, $0.text) }
        var set: GoTemplate?
        for (name, text) in all {
            var parsed = try GoTemplate(name: name, text: text, functions: functions, missingKey: .zero)
            parsed.methods = TemplateMethods.resolver
            set = set.map { $0.merging(parsed) } ?? parsed
        }
        // Safe: `all` always holds the two default files.
        guard let set else { throw TemplateError(.parse, "template: no templates") }
        library = set
        var html = set
        html.actionWriter = HTMLEscaper.writer
        htmlLibrary = html
    }

    /// Loads the default templates and every file matching `patterns` (Alertmanager's
    /// `templates:`, shell globs such as `/etc/alertmanager/templates/*.tmpl`).
    /// - Parameters:
    ///   - patterns: Glob patterns; files are read in the order the globs list them.
    ///   - now: The clock `since` reads.
    /// - Returns: The set.
    /// - Throws: ``TemplateError`` for a file that cannot be read or parsed.
    public static func load(patterns: [String], now: @escaping @Sendable () -> Int64 = TemplateSet.systemNow) throws(TemplateError) -> TemplateSet {
        var files: [(name: String, text: String)] = []
        for pattern in patterns {
            for path in glob(pattern) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw TemplateError(.parse, "open \(path): cannot read file")
                }
                files.append(((path as NSString).lastPathComponent, String(decoding: data, as: UTF8.self)))
            }
        }
        return try TemplateSet(files: files, now: now)
    }

    /// The system clock in nanoseconds since the epoch.
    public static let systemNow: @Sendable () -> Int64 = {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    /// The names of every defined template.
    public var definedTemplates: [String] { library.definedTemplates }

    /// Executes the defined template `name` (e.g. `__subject`, `slack.default.title`).
    /// - Parameters:
    ///   - name: A template defined in the set.
    ///   - data: The notification data.
    /// - Returns: The text.
    /// - Throws: ``TemplateError`` when it is not defined or fails.
    public func execute(name: String, data: NotificationData) throws(TemplateError) -> String {
        try library.execute(templateNamed: name, data.templateValue)
    }

    /// Alertmanager's `ExecuteTextString`: parses `text` into a copy of the set and runs it
    /// (`missingkey=zero`); an empty text gives an empty result.
    /// - Parameters:
    ///   - text: A template, e.g. a receiver field's value.
    ///   - data: The notification data.
    /// - Returns: The text.
    /// - Throws: ``TemplateError`` when `text` does not parse or fails.
    public func expand(text: String, data: NotificationData) throws(TemplateError) -> String {
        if text.isEmpty { return "" }
        return try parse(text, into: library).execute(data.templateValue)
    }

    /// Alertmanager's `ExecuteHTMLString`: as ``expand(text:data:)`` with html/template's
    /// contextual escaping (HTML text, attributes, URLs) and its removal of HTML comments.
    /// - Parameters:
    ///   - text: A template, e.g. `{{ template "email.default.html" . }}`.
    ///   - data: The notification data.
    /// - Returns: The HTML.
    /// - Throws: ``TemplateError`` when `text` does not parse or fails.
    public func expandHTML(text: String, data: NotificationData) throws(TemplateError) -> String {
        if text.isEmpty { return "" }
        return HTMLEscaper.stripComments(try parse(text, into: htmlLibrary).execute(data.templateValue))
    }

    private func parse(_ text: String, into set: GoTemplate) throws(TemplateError) -> GoTemplate {
        var main = try GoTemplate(name: "", text: text, functions: functions, missingKey: .zero)
        main.methods = TemplateMethods.resolver
        main.actionWriter = set.actionWriter
        return main.addingDefinitions(from: set)
    }
}
