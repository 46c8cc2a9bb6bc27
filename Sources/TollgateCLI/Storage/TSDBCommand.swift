// Tollgate — `tollgate tsdb dump` and `tollgate tsdb stats` (`tsdb check` is in its own file).

import ArgumentParser
import Model
import Storage
import TSDB

/// `tollgate tsdb`: look inside the store.
struct TSDBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsdb",
        abstract: "Inspect the time-series store.",
        subcommands: [DumpCommand.self, StatsCommand.self, TSDBCheckCommand.self]
    )
}

/// Prints every stored sample.
struct DumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print stored samples, one per line: name{labels} value timestamp_ms.",
        discussion: """
            Series come in label order and samples in time order. Values print so that they \
            parse back to the same float64: NaN as NaN, the staleness marker as StaleNaN.
            """
    )

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp("The data directory; read under a shared lock, never created or changed (refused while serve or import holds it).", valueName: "DIR"))
    var dataDir = "./data"

    @Option(name: .customLong("match"), help: ArgumentHelp("A series selector; repeat to select the union.", valueName: "SELECTOR"))
    var match: [String] = []

    @Option(name: .customLong("min-time"), help: "Earliest timestamp to print (milliseconds).")
    var minTime: Int64 = .min

    @Option(name: .customLong("max-time"), help: "Latest timestamp to print (milliseconds).")
    var maxTime: Int64 = .max

    func run() async throws {
        let selectors: [[LabelMatcher]]
        do {
            selectors = try (match.isEmpty ? ["{__name__=~\".+\"}"] : match).map { try SeriesSelector.parse($0) }
        } catch {
            throw CommandFailure("--match: \(error)")
        }
        let store = try await LockedStore.reading(dataDir)
        defer { store.close() }
        let tsdb = store.tsdb
        var seen = Set<Labels>()
        var all: [SeriesSamples] = []
        for matchers in selectors {
            for series in try await tsdb.select(matchers, minTime: minTime, maxTime: maxTime) where seen.insert(series.labels).inserted {
                all.append(series)
            }
        }
        if selectors.count > 1 { all.sort { SeriesText.format($0.labels).utf8.lexicographicallyPrecedes(SeriesText.format($1.labels).utf8) } }
        var out: [UInt8] = []
        for series in all {
            var prefix: [UInt8] = []
            SeriesText.append(series.labels, to: &prefix)
            prefix.append(UInt8(ascii: " "))
            for (t, v) in zip(series.timestamps, series.values) {
                out += prefix
                out += Array(Self.format(v).utf8)
                out.append(UInt8(ascii: " "))
                out += Array(String(t).utf8)
                out.append(UInt8(ascii: "\n"))
                if out.count > 1 << 16 {
                    StandardStream.output(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        StandardStream.output(out)
    }

    static func format(_ value: Double) -> String {
        SampleValue.isStaleMarker(value) ? "StaleNaN" : SeriesText.formatValue(value)
    }
}

/// Prints what the store holds.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Print series, samples, chunks and bytes on disk.")

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp("The data directory; read under a shared lock, never created or changed (refused while serve or import holds it).", valueName: "DIR"))
    var dataDir = "./data"

    func run() async throws {
        let store = try await LockedStore.reading(dataDir)
        defer { store.close() }
        let tsdb = store.tsdb
        let s = try await tsdb.stats()
        let perSample = s.samples > 0 ? format(Double(s.dataBytes) / Double(s.samples)) : "-"
        let perSampleAll = s.samples > 0 ? format(Double(s.dataBytes + s.indexBytes) / Double(s.samples)) : "-"
        let text = """
            path:                 \(tsdb.path)
            series:               \(s.series) in memory, \(s.coldSeries) idle on disk
            samples:              \(s.samples)
            sealed chunks:        \(s.chunks)
            blocks:               \(s.blocks)
            head chunks:          \(s.headChunks) (\(s.headSamples) samples)
            head log records:     \(s.logRecords)
            data bytes:           \(s.dataBytes)
            index bytes:          \(s.indexBytes)
            file bytes:           \(s.fileBytes)
            bytes per sample:     \(perSample) (data), \(perSampleAll) (data and index)
            time range:           \(s.minTime.map(String.init) ?? "-") .. \(s.maxTime.map(String.init) ?? "-")

            """
        StandardStream.output(Array(text.utf8))
    }
}
