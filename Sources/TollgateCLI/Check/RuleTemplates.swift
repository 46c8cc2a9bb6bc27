// Tollgate — the template language rules use, for serve, check and test.

import Rules

/// The templates of alerting rules.
enum RuleTemplates {
    /// Go's text/template with Prometheus's functions.
    static func standard() -> any AlertTemplates { PendingTemplates() }

    /// Placeholder until the Go template module is merged: checks nothing, expands nothing.
    struct PendingTemplates: AlertTemplates {
        func check(_ text: String, name: String) -> String? { nil }
        func expand(_ text: String, name: String, data: AlertTemplateData, time: Int64, query: @escaping QueryFunc) async -> String { text }
    }
}
