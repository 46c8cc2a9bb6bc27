// Tollgate — GoTemplate: a parsed Go text/template, ready to execute.

/// A template in Go's `text/template` language, parsed once and executed many times.
///
/// The language is Go's: `{{ }}` actions with `{{-`/`-}}` trimming, comments, pipelines,
/// variables, `if`/`else if`/`range`/`with`/`define`/`template`/`block`/`break`/`continue`,
/// and Go's builtins (`and or not len index slice print printf println html js urlquery
/// eq ne lt le gt ge call`). Callers add functions by name; errors carry Go's texts.
///
/// ```swift
/// let t = try GoTemplate(name: "t", text: "{{ range $i, $x := . }}{{ if $i }}, {{ end }}{{ $x | printf \"%.2f\" }}{{ end }}")
/// try t.execute(.list([.float(1), .float(2.5)]))  // "1.00, 2.50"
/// ```
public struct GoTemplate: Sendable {
    /// The name errors use (`template: NAME:LINE: …`).
    public let name: String
    /// The text as parsed.
    public let text: String
    /// What a missing map key reads as.
    public let missingKey: MissingKeyOption
    let functions: [String: TemplateFunction]
    var trees: [String: [TemplateNode]]
    /// Go methods of the data's types (Alertmanager's `KV.SortedPairs`, `Alerts.Firing`):
    /// given a receiver and a field name, the method to call, or nil to read a field or key.
    package var methods: TemplateMethodResolver?
    /// Writes an action's value instead of printing it (html/template's contextual escaping);
    /// nil prints the value as text/template does.
    package var actionWriter: TemplateActionWriter?

    /// Parses `text`.
    /// - Parameters:
    ///   - name: The template's name, for `{{template}}` and error texts.
    ///   - text: The template.
    ///   - functions: Functions beyond Go's builtins (a builtin of the same name is replaced).
    ///   - missingKey: Go's `missingkey` option; Prometheus uses `.zero`.
    /// - Throws: ``TemplateError`` (phase `.parse`) with Go's text, e.g.
    ///   `template: NAME:1: function "foo" not defined`.
    public init(
        name: String, text: String, functions: [String: TemplateFunction] = [:], missingKey: MissingKeyOption = .invalid
    ) throws(TemplateError) {
        self.name = name
        self.text = text
        self.functions = functions
        self.missingKey = missingKey
        trees = try TemplateParser.parse(name: name, text: text, functions: TemplateBuiltins.names.union(functions.keys))
    }

    /// The names of the templates defined (the main one, and each `define` and `block`).
    public var definedTemplates: [String] { trees.keys.sorted() }

    /// Executes the main template with `data` as dot.
    /// - Returns: The output.
    /// - Throws: ``TemplateError`` (phase `.execute`), e.g.
    ///   `template: t:1:3: executing "t" at <.Foo>: map has no entry for key "Foo"`.
    public func execute(_ data: TemplateValue) throws(TemplateError) -> String {
        try execute(templateNamed: name, data)
    }

    /// Executes the template called `templateName` (the main one or a `define`d one).
    /// - Throws: ``TemplateError`` when it is not defined or execution fails.
    public func execute(templateNamed templateName: String, _ data: TemplateValue) throws(TemplateError) -> String {
        guard let tree = trees[templateName] else {
            throw TemplateError(.execute, "template: no template \(GoFormat.quote(templateName)) associated with template \(GoFormat.quote(name))")
        }
        var executor = TemplateExecutor(template: self, data: data)
        executor.name = templateName
        do {
            try executor.walk(data, tree)
        } catch let error as TemplateError {
            throw error
        } catch {
            throw TemplateError(.execute, "template: \(name): \(error)")
        }
        return executor.output
    }
}
