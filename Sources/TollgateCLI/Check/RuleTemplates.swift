// Tollgate — the template language rules use, for serve, check and test.

import Rules

/// The templates of alerting rules.
enum RuleTemplates {
    /// Go's text/template with Prometheus's functions.
    static func standard() -> any AlertTemplates { GoAlertTemplates() }
}
