// Tollgate — Scrape: what `/api/v1/targets` and `/api/v1/targets/metadata` show.

import Foundation
public import Model

/// An active target as the targets API reports it.
public struct ActiveTarget: Sendable {
    /// Labels before relabeling.
    public var discoveredLabels: Labels
    /// The target's labels (no `__` labels).
    public var labels: Labels
    /// The job.
    public var scrapePool: String
    /// The URL scraped.
    public var scrapeURL: String
    /// The scrape interval as written (`15s`).
    public var scrapeInterval: String
    /// The scrape timeout as written (`10s`).
    public var scrapeTimeout: String
    /// The latest health.
    public var health: TargetHealth
}

/// A target relabeling dropped (or that could not be built).
public struct DroppedTarget: Sendable {
    /// Labels before relabeling.
    public var discoveredLabels: Labels
    /// The job.
    public var scrapePool: String
}

/// One metric family's metadata as a target last exposed it.
public struct TargetMetadata: Sendable {
    /// The target's labels.
    public var target: Labels
    /// The family name.
    public var metric: String
    /// `counter`, `gauge`, …, `unknown`.
    public var type: String
    /// The HELP text.
    public var help: String
    /// The OpenMetrics unit.
    public var unit: String
}
