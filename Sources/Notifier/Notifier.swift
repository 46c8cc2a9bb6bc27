// Tollgate — Notifier: the built-in Alertmanager, a service holding alerts, silences,
// aggregation groups and the notification log.

public import Logging
public import Model
public import Notify
public import ServiceLifecycle

/// Alertmanager inside Tollgate: takes alerts (from rule groups and `POST /api/v2/alerts`),
/// merges them by fingerprint, routes them into aggregation groups, and at each group's
/// time runs Alertmanager's pipeline (inhibition, time intervals, silences, deduplication
/// against the notification log, sending with retries, logging what was sent).
///
/// The logic is Notify's value types; this actor owns them, runs the groups' timers on an
/// injected clock, sends through the receivers' ``Notify/Integration``s, and keeps its state
/// in ``NotifierDatabase``: silences and the notification log written before it acts on
/// them, taken alerts written together within a second.
///
/// ```swift
/// let notifier = try await Notifier(config: config, database: database, deliver: retrier.deliver, logger: logger)
/// await notifier.receive(alerts)         // what a rule group or an API client hands over
/// // in the ServiceGroup: `notifier.run()` flushes groups when they are due
/// ```
public actor Notifier: Service {
    /// Sends one integration's notification, retrying until `deadline` (milliseconds).
    public typealias Deliver = @Sendable (_ integration: any Integration, _ context: NotificationContext, _ alerts: [NotifierAlert], _ deadline: Int64) async -> SendOutcome

    var config: NotifierConfig
    var store: AlertStore
    var silences = SilenceStore()
    var marker = AlertMarker()
    var inhibitor: Inhibitor
    var intervals: TimeIntervals
    var dispatch: Dispatch
    var log = NotificationLog()
    /// Alert versions taken but not yet written: written together at most
    /// ``writeInterval`` later (each fingerprint once, its latest version).
    var unwritten: [UInt64: NotifierAlert] = [:]
    /// When ``unwritten`` is written next, milliseconds.
    var nextWrite: Int64 = 0
    /// How long a taken alert may wait to be written, milliseconds. Shorter than any
    /// sensible `group_wait`, so an alert that is due to be notified has been written.
    let writeInterval: Int64 = 1_000
    let database: NotifierDatabase?
    let deliver: Deliver
    let clock: any MillisecondClock
    let logger: Logger
    /// When the notifier started (`/api/v2/status` uptime), milliseconds.
    public let started: Int64
    /// How often the run loop looks for due groups at most, milliseconds.
    let tick: Int64
    /// The most alerts one `POST /api/v2/alerts` may carry; 0: no limit.
    let maxAlertsPerRequest: Int

    /// Creates a notifier and loads what `database` holds.
    /// - Parameters:
    ///   - config: the alertmanager.yml to run.
    ///   - database: where state lives; nil keeps it in memory only (tests).
    ///   - deliver: sends one integration's notification with retries.
    ///   - clock: the clock timers run on.
    ///   - tick: the longest the run loop sleeps between looks, milliseconds.
    ///   - limits: the API's limits (alerts per request, silences); none by default.
    /// - Throws: when the database cannot be read.
    public init(
        config: NotifierConfig, database: NotifierDatabase?, deliver: @escaping Deliver, clock: any MillisecondClock = SystemClock(),
        tick: Int64 = 100, limits: NotifierLimits = NotifierLimits(), logger: Logger
    ) async throws {
        self.config = config
        self.database = database
        self.deliver = deliver
        self.clock = clock
        self.tick = tick
        self.logger = logger
        maxAlertsPerRequest = limits.maxAlertsPerRequest
        silences.limits = limits.silences
        started = clock.now()
        store = AlertStore(resolveTimeout: config.resolveTimeout)
        inhibitor = Inhibitor(rules: config.inhibitRules)
        intervals = TimeIntervals(config.timeIntervals)
        dispatch = Dispatch(route: config.route)
        if let database { try await restore(from: database) }
        NotifierMetrics.register()
    }

    private func restore(from database: NotifierDatabase) async throws {
        let contents = try await database.load()
        for damaged in contents.damaged { logger.warning("skipping a damaged record of the notifier's state", metadata: ["record": "\(damaged)", "file": "\(database.path)"]) }
        store.restore(contents.alerts)
        silences.restore(contents.silences)
        log.restore(contents.log.compactMap { NotificationLogCodec.decode($0.entry) })
        let now = clock.now()
        for alert in store.alerts {
            inhibitor.observe(alert)
            dispatch.process(alert, now: now)
        }
        logger.info(
            "notifier state loaded",
            metadata: ["alerts": "\(contents.alerts.count)", "silences": "\(contents.silences.count)", "log_entries": "\(contents.log.count)"])
    }

    /// Applies a new alertmanager.yml: routes, receivers, inhibitions and intervals change;
    /// alerts, silences and the notification log stay, and the alerts are routed again.
    public func apply(_ config: NotifierConfig) {
        self.config = config
        store.resolveTimeout = config.resolveTimeout
        inhibitor = Inhibitor(rules: config.inhibitRules, alerts: store.alerts)
        intervals = TimeIntervals(config.timeIntervals)
        dispatch = Dispatch(route: config.route)
        let now = clock.now()
        for alert in store.alerts { dispatch.process(alert, now: now) }
    }

    /// Takes alerts as a client posted them: validates each, merges the valid ones into the
    /// store, writes them, and routes them.
    /// - Returns: Alertmanager's message for each invalid alert (the others are kept).
    @discardableResult
    public func receive(_ alerts: [NotifierAlert]) async -> [String] {
        let now = clock.now()
        let (stored, problems) = store.post(alerts, now: now)
        NotifierMetrics.received(alerts, now: now, invalid: problems.count)
        guard !stored.isEmpty else { return problems }
        if database != nil {
            if unwritten.isEmpty { nextWrite = now + writeInterval }
            for alert in stored { unwritten[alert.fingerprint] = alert }
        }
        for alert in stored {
            inhibitor.observe(alert)
            dispatch.process(alert, now: now)
        }
        return problems
    }

    /// Flushes the groups that are due now, waiting for their notifications.
    public func runOnce() async {
        let now = clock.now()
        if !unwritten.isEmpty, now >= nextWrite { await writeAlerts() }
        let due = dispatch.due(now: now)
        await withTaskGroup(of: Void.self) { group in
            for flush in due { group.addTask { await self.flush(flush) } }
        }
    }

    /// Flushes due groups until graceful shutdown; records the alert and silence gauges
    /// every 5 s and collects garbage every 15 minutes.
    public func run() async throws {
        let start = clock.now()
        await cancelWhenGracefulShutdown {
            var nextCollection = start + 15 * 60_000, nextMetrics = start
            while !Task.isCancelled {
                await self.runOnce()
                let now = self.clock.now()
                if now >= nextCollection {
                    await self.collectGarbage(now: now)
                    nextCollection = now + 15 * 60_000
                }
                if now >= nextMetrics {
                    await self.recordMetrics(now: now)
                    nextMetrics = now + 5_000
                }
                let next = await self.dispatch.nextDeadline() ?? (now + self.tick)
                try? await Task.sleep(for: .milliseconds(max(1, min(next - now, self.tick))))
            }
        }
        await writeAlerts()
    }

    /// Writes the alert versions taken since the last write, in one transaction.
    ///
    /// Alertmanager keeps alerts in memory only; Tollgate writes them, but not one request
    /// at a time: a client resending its alerts (Prometheus every minute) rewrites each
    /// fingerprint once per interval, not once per request.
    func writeAlerts() async {
        guard let database, !unwritten.isEmpty else { return }
        let batch = Array(unwritten.values)
        unwritten = [:]
        do {
            try await database.saveAlerts(batch)
        } catch {
            logger.error("cannot write alerts to the notifier's state", metadata: ["error": "\(error)", "alerts": "\(batch.count)"])
        }
    }

    /// Drops resolved alerts, long-expired silences and expired log entries, here and in
    /// the state file.
    func collectGarbage(now: Int64) async {
        let dropped = store.collectGarbage(now: now)
        dispatch.remove(fingerprints: Set(dropped))
        for fingerprint in dropped {
            unwritten[fingerprint] = nil
            marker.delete(fingerprint)
            inhibitor.remove(fingerprint)
        }
        let silencesDropped = silences.collectGarbage(now: now, retention: Self.retention)
        _ = log.collectGarbage(now: now)
        do {
            try await database?.saveAlerts([], deleting: dropped)
            try await database?.saveSilences([], deleting: silencesDropped)
            try await database?.saveLog([], now: now)
        } catch {
            logger.error("cannot write the notifier's state", metadata: ["error": "\(error)"])
        }
    }

    /// Sets `alertmanager_alerts` and `alertmanager_silences` by state.
    func recordMetrics(now: Int64) {
        let marked = marker.count()
        NotifierMetrics.record(
            alerts: [.active: marker.count(.active), .suppressed: marker.count(.suppressed), .unprocessed: max(0, store.count - marked)],
            silences: Dictionary(grouping: silences.all, by: { $0.state(at: now) }).mapValues(\.count))
    }

    /// How long expired silences and notification log entries are kept (Alertmanager's
    /// `--data.retention`, 120 h).
    static let retention: Int64 = 120 * 3_600_000

    /// The alerts held, resolved ones included, by fingerprint.
    public var storedAlerts: [NotifierAlert] { store.alerts }

    /// The receivers' names.
    public var receiverNames: [String] { config.receiverNames }
    /// The configuration's text with secrets hidden.
    public var original: String { config.original }
}
