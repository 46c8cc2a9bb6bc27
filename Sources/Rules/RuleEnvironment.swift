// Tollgate — Rules: everything a group's evaluation reaches outside itself.

public import Logging
import Model
public import Storage

/// What rule groups evaluate against and hand their results to (Prometheus's
/// `rules.ManagerOptions`): a query function, a store to append to and read `for` state
/// from, a notify function, and the template language.
public struct RuleEnvironment: Sendable {
    /// Runs the rules' expressions.
    public var query: QueryFunc
    /// Where recorded series, `ALERTS` and `ALERTS_FOR_STATE` go.
    public var appendable: any Appendable
    /// Where `ALERTS_FOR_STATE` is read back after a start.
    public var queryable: any Queryable
    /// Where alerts go after each evaluation.
    public var notify: NotifyFunc
    /// Alert label and annotation templates.
    public var templates: any AlertTemplates
    /// `global.external_labels`, for `$externalLabels`.
    public var externalLabels: [String: String] = [:]
    /// `--web.external-url`, for `$externalURL` and generator URLs.
    public var externalURL = ""
    /// `--rules.alert.resend-delay` (1m), milliseconds.
    public var resendDelay: Int64 = 60_000
    /// `--rules.alert.for-outage-tolerance` (1h), milliseconds.
    public var outageTolerance: Int64 = 3_600_000
    /// `--rules.alert.for-grace-period` (10m), milliseconds.
    public var forGracePeriod: Int64 = 600_000
    /// Where evaluation failures are logged.
    public var logger: Logger

    /// Creates an environment with Prometheus's defaults for the timings.
    public init(
        query: @escaping QueryFunc, appendable: any Appendable, queryable: any Queryable, notify: @escaping NotifyFunc,
        templates: any AlertTemplates, logger: Logger
    ) {
        self.query = query
        self.appendable = appendable
        self.queryable = queryable
        self.notify = notify
        self.templates = templates
        self.logger = logger
    }

    /// The link to an expression in the UI: `externalURL/graph?g0.expr=…&g0.tab=1`.
    public func generatorURL(for expr: String) -> String {
        externalURL + "/graph?g0.expr=" + GoURL.queryEscape(expr) + "&g0.tab=1"
    }
}
