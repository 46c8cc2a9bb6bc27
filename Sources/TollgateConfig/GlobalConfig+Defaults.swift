// Tollgate — TollgateConfig: the one pass that hands `global`'s settings down.

import Model

extension GlobalConfig {
    /// A scrape timeout given longer than its level's scrape interval.
    struct TimeoutLongerThanInterval: Error {}

    /// The one defaults pass: gives `job` every scrape setting it left out, from this
    /// `global` section (Prometheus's `ScrapeConfig.Validate(globalConfig)`), then settles
    /// its scrape timeout by ``timeout(given:inherited:interval:)``.
    ///
    /// Handed down: `scrape_interval`, `scrape_timeout`, `scrape_protocols` and the limits
    /// (`sample_limit`, `label_limit`, `label_name_length_limit`, `label_value_length_limit`,
    /// `body_size_limit`, `target_limit`). A field the job gives, even as 0, stays its own.
    /// - Parameters:
    ///   - job: the job, holding the fields it gives.
    ///   - given: the names of the fields the job gives, as written (`scrape_interval`).
    /// - Throws: ``TimeoutLongerThanInterval`` when the job's own timeout is longer than its interval.
    func fill(_ job: inout ScrapeConfig, given: Set<String>) throws(TimeoutLongerThanInterval) {
        func inherit<Value>(_ name: String, _ path: WritableKeyPath<ScrapeConfig, Value>, _ value: Value) {
            if !given.contains(name) { job[keyPath: path] = value }
        }
        inherit("scrape_interval", \.scrapeInterval, scrapeInterval)
        inherit("scrape_protocols", \.scrapeProtocols, scrapeProtocols)
        inherit("sample_limit", \.limits.sampleLimit, limits.sampleLimit)
        inherit("label_limit", \.limits.labelLimit, limits.labelLimit)
        inherit("label_name_length_limit", \.limits.labelNameLengthLimit, limits.labelNameLengthLimit)
        inherit("label_value_length_limit", \.limits.labelValueLengthLimit, limits.labelValueLengthLimit)
        inherit("body_size_limit", \.limits.bodySizeLimit, limits.bodySizeLimit)
        inherit("target_limit", \.limits.targetLimit, limits.targetLimit)
        job.scrapeTimeout = try Self.timeout(
            given: given.contains("scrape_timeout") ? job.scrapeTimeout : nil, inherited: scrapeTimeout, interval: job.scrapeInterval)
    }

    /// Prometheus's scrape timeout rule, the same for `global` (inheriting the built-in
    /// 10 s) and for each job (inheriting `global`'s): a timeout left out is the inherited
    /// one cut to the interval; a timeout given must not be longer than the interval.
    /// - Parameters:
    ///   - given: the level's own timeout, if it gives one.
    ///   - inherited: the level above's timeout.
    ///   - interval: the level's scrape interval.
    /// - Returns: the level's timeout.
    /// - Throws: ``TimeoutLongerThanInterval`` when `given` is longer than `interval`.
    static func timeout(given: PromDuration?, inherited: PromDuration, interval: PromDuration) throws(TimeoutLongerThanInterval) -> PromDuration {
        guard let given else { return min(inherited, interval) }
        guard given <= interval else { throw TimeoutLongerThanInterval() }
        return given
    }
}
