// Tollgate — `serve`'s flags for how often the store checkpoints its head and compacts.

import ArgumentParser
import Model
import TSDB

/// How often the store checkpoints its head and runs housekeeping. The defaults suit a
/// server; short intervals make a test (or a crash drill) go through checkpoints and
/// compactions many times a minute.
struct StorageFlags: ParsableArguments {
    @Option(
        name: .customLong("storage.tsdb.housekeeping-interval"),
        help: ArgumentHelp(
            "How often to compact sealed chunks into blocks and apply the retention limits (a Prometheus duration, at least 100ms).",
            valueName: "DURATION"))
    var housekeepingInterval = "1m"

    @Option(
        name: .customLong("storage.tsdb.checkpoint-records"),
        help: ArgumentHelp(
            "Head-log records between checkpoints of the open chunks, at least (with --storage.tsdb.checkpoint-samples-per-series: both must be reached); a restart replays at most about this many records.",
            valueName: "N"))
    var checkpointRecords = TSDB.Options().checkpointInterval

    @Option(
        name: .customLong("storage.tsdb.checkpoint-samples-per-series"),
        help: ArgumentHelp(
            "Logged samples per series between checkpoints, at least: a checkpoint rewrites every open chunk, so its cost grows with the series count.",
            valueName: "N"))
    var checkpointSamplesPerSeries = TSDB.Options().checkpointSamplesPerSeries

    @Option(
        name: .customLong("storage.tsdb.idle-series-time"),
        help: ArgumentHelp(
            "How long a series may go without a sample before it leaves memory for the disk (a Prometheus duration; 0 keeps every series in memory). Queries still find it there, and its next sample brings it back.",
            valueName: "DURATION"))
    var idleSeriesTime = "1h"

    @Option(
        name: .customLong("storage.tsdb.stale-series-time"),
        help: ArgumentHelp(
            "How long a series ended by a staleness marker (its target or rule stopped giving it) stays in memory before it leaves for the disk, like an idle series (a Prometheus duration; 0 leaves it to --storage.tsdb.idle-series-time).",
            valueName: "DURATION"))
    var staleSeriesTime = "5m"

    func validate() throws {
        guard let interval = PromDuration(parsing: housekeepingInterval), interval.milliseconds >= 100 else {
            throw ValidationError("--storage.tsdb.housekeeping-interval: invalid duration \"\(housekeepingInterval)\"; expected e.g. 1m, 30s (at least 100ms)")
        }
        guard PromDuration(parsing: idleSeriesTime) != nil else {
            throw ValidationError("--storage.tsdb.idle-series-time: invalid duration \"\(idleSeriesTime)\"; expected e.g. 1h, 30m, or 0 to keep every series in memory")
        }
        guard PromDuration(parsing: staleSeriesTime) != nil else {
            throw ValidationError("--storage.tsdb.stale-series-time: invalid duration \"\(staleSeriesTime)\"; expected e.g. 5m, 30m, or 0 to leave ended series to --storage.tsdb.idle-series-time")
        }
        guard checkpointRecords >= 1 else { throw ValidationError("--storage.tsdb.checkpoint-records: must be at least 1, not \(checkpointRecords)") }
        guard checkpointSamplesPerSeries >= 0 else {
            throw ValidationError("--storage.tsdb.checkpoint-samples-per-series: must be 0 or more, not \(checkpointSamplesPerSeries)")
        }
    }

    /// The housekeeping interval.
    var interval: Duration { .milliseconds(PromDuration(parsing: housekeepingInterval)?.milliseconds ?? 60_000) }

    /// `options` with the checkpoint settings.
    func apply(to options: inout TSDB.Options) {
        options.checkpointInterval = checkpointRecords
        options.checkpointSamplesPerSeries = checkpointSamplesPerSeries
        options.idleSeriesTime = PromDuration(parsing: idleSeriesTime)?.milliseconds ?? options.idleSeriesTime
        options.staleSeriesTime = PromDuration(parsing: staleSeriesTime)?.milliseconds ?? options.staleSeriesTime
    }

    /// The values `/api/v1/status/flags` lists.
    var values: [String: String] {
        [
            "storage.tsdb.housekeeping-interval": housekeepingInterval, "storage.tsdb.checkpoint-records": "\(checkpointRecords)",
            "storage.tsdb.checkpoint-samples-per-series": "\(checkpointSamplesPerSeries)", "storage.tsdb.idle-series-time": idleSeriesTime,
            "storage.tsdb.stale-series-time": staleSeriesTime,
        ]
    }
}
