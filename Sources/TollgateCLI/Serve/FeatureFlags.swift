// Tollgate — `--enable-feature`, with Prometheus's feature names.

import Foundation
import PromQL

/// The features `--enable-feature` switched on: comma-separated names, the flag repeatable,
/// as Prometheus takes them. Names Prometheus does not know are warned about and ignored,
/// as Prometheus does; names it knows that change nothing here are accepted and listed.
struct FeatureFlags {
    /// The features that change what Tollgate does.
    enum Feature: String, CaseIterable {
        /// `limitk`, `limit_ratio`, `mad_over_time`, `first_over_time`, `sort_by_label`, …
        case promqlExperimentalFunctions = "promql-experimental-functions"
        /// Arithmetic, `step()` and `range()` in ranges, steps and offsets.
        case promqlDurationExpressions = "promql-duration-expr"
        /// The `anchored` and `smoothed` range modifiers.
        case promqlExtendedRangeSelectors = "promql-extended-range-selectors"
        /// `fill`, `fill_left` and `fill_right` on binary operators.
        case promqlBinopFillModifiers = "promql-binop-fill-modifiers"
    }

    /// Prometheus 3.x feature names that Tollgate accepts without a change in behaviour:
    /// they switch on what Tollgate always does, or concern parts it does not have.
    static let acceptedWithoutEffect: Set<String> = [
        "auto-gomaxprocs", "auto-gomemlimit", "auto-reload-config", "concurrent-rule-eval", "created-timestamp-zero-ingestion",
        "delayed-compaction", "exemplar-storage", "expand-external-labels", "extra-scrape-metrics", "memory-snapshot-on-shutdown",
        "metadata-wal-records", "native-histograms", "old-ui", "otlp-deltatocumulative", "otlp-write-receiver",
        "promql-delayed-name-removal", "promql-per-step-stats", "type-and-unit-labels", "use-uncached-io",
    ]

    /// The features switched on.
    private(set) var enabled: Set<Feature> = []
    /// Known names that change nothing here, in the order given.
    private(set) var withoutEffect: [String] = []
    /// Names nobody knows, in the order given.
    private(set) var unknown: [String] = []

    /// Reads every `--enable-feature` value (each may list several names, comma-separated).
    init(_ values: [String]) {
        for value in values {
            for raw in value.split(separator: ",") {
                let name = raw.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { continue }
                if let feature = Feature(rawValue: name) {
                    enabled.insert(feature)
                } else if Self.acceptedWithoutEffect.contains(name) {
                    if !withoutEffect.contains(name) { withoutEffect.append(name) }
                } else if !unknown.contains(name) {
                    unknown.append(name)
                }
            }
        }
    }

    /// The PromQL parser's switches.
    var parserOptions: ParserOptions {
        ParserOptions(
            enableExperimentalFunctions: enabled.contains(.promqlExperimentalFunctions),
            enableDurationExpressions: enabled.contains(.promqlDurationExpressions),
            enableExtendedRangeSelectors: enabled.contains(.promqlExtendedRangeSelectors),
            enableBinopFillModifiers: enabled.contains(.promqlBinopFillModifiers))
    }

    /// The flag's value as `/api/v1/status/flags` shows it: every accepted name, comma-separated.
    var flagValue: String {
        (Feature.allCases.filter(enabled.contains).map(\.rawValue) + withoutEffect).joined(separator: ",")
    }
}
