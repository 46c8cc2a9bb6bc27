// Tollgate — GoTemplate: expanding alerting rules' labels and annotations, as Prometheus's
// rules/alerting.go and model/rulefmt do.

/// Expands the label and annotation templates of alerting rules as Prometheus does: the
/// text is prefixed with definitions of `$labels`, `$externalLabels`, `$externalURL` and
/// `$value`, run with Prometheus's functions and `missingkey=zero`, and a failure becomes
/// the text `<error expanding template: …>` instead of failing the rule.
///
/// ```swift
/// let expander = AlertTemplateExpander(context: PrometheusTemplateContext(externalURL: "http://prom:9090"))
/// expander.expand("{{ $labels.job }} at {{ $value | humanize }}", alertName: "High", labels: ["job": "api"], value: 1234567)
/// // "api at 1.235M"
/// try AlertTemplateExpander.check("{{ $value | nope }}", alertName: "High")
/// // throws: template: __alert_High:1: function "nope" not defined
/// ```
public struct AlertTemplateExpander: Sendable {
    /// The definitions Prometheus puts before every label and annotation template.
    public static let definitions = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

    /// The query seam, evaluation time and external URL.
    public let context: PrometheusTemplateContext
    /// The server's external labels (`$externalLabels`).
    public let externalLabels: [String: String]
    private let functions: [String: TemplateFunction]

    /// Creates an expander for one evaluation.
    /// - Parameters:
    ///   - context: The query seam, the evaluation time and `--web.external-url`.
    ///   - externalLabels: `global.external_labels`.
    public init(context: PrometheusTemplateContext, externalLabels: [String: String] = [:]) {
        self.context = context
        self.externalLabels = externalLabels
        functions = PrometheusTemplateFunctions.functions(context)
    }

    /// The template name Prometheus gives an alerting rule's templates.
    public static func templateName(alertName: String) -> String { "__alert_" + alertName }

    /// Expands one label value or annotation for one alert.
    /// - Parameters:
    ///   - text: The template.
    ///   - alertName: The rule's `alert:` (the template is named `__alert_<name>`).
    ///   - labels: The alert's labels (`$labels`).
    ///   - value: The sample value (`$value`).
    /// - Returns: The expansion, or `<error expanding template: …>` with Prometheus's error text.
    public func expand(_ text: String, alertName: String, labels: [String: String], value: Double) -> String {
        do {
            return try expandOrThrow(text, alertName: alertName, labels: labels, value: value)
        } catch {
            return "<error expanding template: \(error)>"
        }
    }

    /// Expands like ``expand(_:alertName:labels:value:)`` but throws the failure.
    /// - Throws: ``TemplateError`` whose text is Prometheus's (`error parsing template NAME: …`,
    ///   `error executing template NAME: …` or `panic expanding template NAME: …`).
    public func expandOrThrow(_ text: String, alertName: String, labels: [String: String], value: Double) throws(TemplateError) -> String {
        let name = Self.templateName(alertName: alertName)
        let data = TemplateValue.record(
            TemplateRecord(
                typeName: "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }",
                fields: [
                    ("Labels", .stringMap(labels)), ("ExternalLabels", .stringMap(externalLabels)), ("ExternalURL", .string(context.externalURL)),
                    ("Value", .float(value)),
                ]))
        return try Self.run(name: name, text: Self.definitions + text, functions: functions, data: data)
    }

    /// Runs a Prometheus template (`template.Expander.Expand`), wrapping errors as it does.
    static func run(name: String, text: String, functions: [String: TemplateFunction], data: TemplateValue) throws(TemplateError) -> String {
        let template: GoTemplate
        do {
            template = try GoTemplate(name: name, text: text, functions: functions, missingKey: .zero)
        } catch {
            throw TemplateError(.parse, "error parsing template \(name): \(error)")
        }
        do {
            return try template.execute(data)
        } catch where error.phase == .panic {
            throw TemplateError(.panic, "panic expanding template \(name): \(error)")
        } catch {
            throw TemplateError(.execute, "error executing template \(name): \(error)")
        }
    }

    /// The rule-load check (`rulefmt`'s `testTemplateParsing`): parses `text` with the
    /// definitions and Prometheus's functions, without running it.
    /// - Parameters:
    ///   - text: A label value or annotation of an alerting rule.
    ///   - alertName: The rule's `alert:`.
    /// - Throws: ``TemplateError`` with Go's parse error, e.g.
    ///   `template: __alert_X:1: function "foo" not defined`.
    public static func check(_ text: String, alertName: String) throws(TemplateError) {
        let names = PrometheusTemplateFunctions.functions(PrometheusTemplateContext())
        _ = try GoTemplate(name: templateName(alertName: alertName), text: definitions + text, functions: names, missingKey: .zero)
    }
}

/// Expands Prometheus templates outside alerting rules (consoles, tests), as
/// `template.NewTemplateExpander(…).Expand()` does.
public enum PrometheusTemplate {
    /// Expands `text` named `name` over `data` with Prometheus's functions and `missingkey=zero`.
    /// - Throws: ``TemplateError`` with Prometheus's text (`error executing template NAME: …`).
    public static func expand(_ text: String, name: String, data: TemplateValue, context: PrometheusTemplateContext) throws(TemplateError) -> String {
        try AlertTemplateExpander.run(name: name, text: text, functions: PrometheusTemplateFunctions.functions(context), data: data)
    }
}
