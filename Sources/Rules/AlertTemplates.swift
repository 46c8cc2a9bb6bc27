// Tollgate — Rules: the seam to the template language of alert labels and annotations.

/// What an alert's templates see (`$labels`, `$externalLabels`, `$externalURL`, `$value`).
public struct AlertTemplateData: Sendable {
    /// The sample's labels.
    public var labels: [String: String]
    /// `global.external_labels`.
    public var externalLabels: [String: String]
    /// `--web.external-url`.
    public var externalURL: String
    /// The sample's value.
    public var value: Double

    /// Creates the data.
    public init(labels: [String: String], externalLabels: [String: String], externalURL: String, value: Double) {
        self.labels = labels
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.value = value
    }
}

/// Checks and expands the templates of alerting rules (Go's text/template with
/// Prometheus's functions); rules know only this.
public protocol AlertTemplates: Sendable {
    /// The parse error of `text` (named `name` in messages), or nil when it parses.
    func check(_ text: String, name: String) -> String?
    /// Expands `text`; an error gives `<error expanding template: …>`, as Prometheus writes it.
    /// - Parameters:
    ///   - text: the label value or annotation.
    ///   - name: the template's name in messages (`__alert_<rule>`).
    ///   - data: what the template sees.
    ///   - time: the evaluation time (milliseconds), for `query` and `now`.
    ///   - query: the query function templates' `query` calls.
    func expand(_ text: String, name: String, data: AlertTemplateData, time: Int64, query: @escaping QueryFunc) async -> String
}
