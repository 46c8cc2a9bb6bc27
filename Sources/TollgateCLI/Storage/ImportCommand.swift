// Tollgate — `tollgate import openmetrics`.

import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Exposition
import Gzip
import Logging
import Model
import Storage
import TSDB

/// `tollgate import`: backfill.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Backfill stored samples from files.",
        subcommands: [ImportOpenMetricsCommand.self]
    )
}

/// Backfills an OpenMetrics file, as `promtool tsdb create-blocks-from openmetrics` takes it.
struct ImportOpenMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openmetrics",
        abstract: "Import an OpenMetrics file with timestamps into the data directory.",
        discussion: """
            Takes the files `promtool tsdb create-blocks-from openmetrics` takes: OpenMetrics \
            text ending in # EOF, every sample with a timestamp (gzip-compressed files are \
            read too). Samples are committed in batches; a sample older than its series' newest \
            is rejected and counted, as is a sample without a timestamp. At the end the data \
            is sealed and compacted, and a summary is printed. On a terminal, progress is shown.
            """
    )

    @Argument(help: ArgumentHelp("The OpenMetrics file (or - for standard input).", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The data directory.", valueName: "DIR"))
    var dataDir = "./data"

    @Option(name: .customLong("batch-size"), help: "Samples per committed batch.")
    var batchSize = 10_000

    @Flag(name: .customLong("report-commits"), help: "Print `committed N` on standard output after every durable batch.")
    var reportCommits = false

    @Flag(name: .customLong("no-compact"), help: "Leave the imported data in sealed chunks instead of merging it into blocks.")
    var noCompact = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
    }

    func run() async throws {
        var body = try (file == "-" ? InputFile.readStandardInput() : InputFile.read(path: file))
        if Gzip.isGzip(body) { body = try Gzip.decompress(body) }
        let logger = Logger(label: "tollgate.import")
        let tsdb = try await TSDB.open(directory: dataDir, logger: logger)
        let progress = Progress(total: body.count)
        var parser = ExpositionParser(bytes: body, format: .openMetrics)
        var appender = tsdb.appender()
        var total = CommitResult()
        var missingTimestamp = 0
        var cache: [ArraySlice<UInt8>: Labels] = [:]
        do {
            while let entry = try parser.next() {
                guard entry == .sample else { continue }
                guard let timestamp = parser.timestamp else {
                    missingTimestamp += 1
                    continue
                }
                let key = parser.seriesBytes
                let labels: Labels
                if let known = cache[key] {
                    labels = known
                } else {
                    labels = try parser.labels()
                    cache[key] = labels
                }
                appender.append(labels, t: timestamp, v: parser.value)
                if appender.count >= batchSize {
                    total = total + (try await appender.commit())
                    report(total, progress, parser)
                }
            }
        } catch {
            guard let parseError = error as? ExpositionError else { throw error }
            // What was committed stays; the batch in progress is dropped, as a failed scrape's would be.
            appender.rollback()
            progress.finish()
            StandardStream.error("\(file): \(parseError)\n  \(total.appended) samples were stored before the error.\n")
            throw ExitCode(1)
        }
        total = total + (try await appender.commit())
        report(total, progress, parser)
        progress.finish()
        try await tsdb.flush()
        if !noCompact {
            _ = try await tsdb.compact(before: .max)
            try await tsdb.vacuum()
        }
        let stats = try await tsdb.stats()
        var summary = """
            imported \(file) into \(tsdb.path)
              series created:     \(total.newSeries)
              samples stored:     \(total.appended)
              rejected:           \(total.rejected + missingTimestamp)
                out of order:     \(total.outOfOrder)
                duplicate:        \(total.duplicate)
                no timestamp:     \(missingTimestamp)

            """
        if stats.samples > 0 {
            summary += "  store now: \(stats.series) series, \(stats.samples) samples, \(stats.dataBytes) data bytes "
                + "(\(format(Double(stats.dataBytes) / Double(stats.samples))) B/sample), \(stats.fileBytes) bytes on disk\n"
        }
        StandardStream.output(Array(summary.utf8))
    }

    private func report(_ total: CommitResult, _ progress: Progress, _ parser: ExpositionParser) {
        if reportCommits { StandardStream.output(Array("committed \(total.appended + total.rejected)\n".utf8)) }
        progress.update(samples: total.appended, fraction: parser.progress)
    }
}

/// A one-line progress display on standard error, only when it is a terminal.
final class Progress {
    private let total: Int
    private let enabled = isatty(2) == 1
    private var lastDraw = ContinuousClock.now - .seconds(1)

    init(total: Int) { self.total = total }

    func update(samples: Int, fraction: Double) {
        guard enabled, ContinuousClock.now - lastDraw > .milliseconds(200) else { return }
        lastDraw = ContinuousClock.now
        StandardStream.error("\r\u{1B}[K  \(format(fraction * 100))% of the input, \(samples) samples stored")
    }

    func finish() { if enabled { StandardStream.error("\r\u{1B}[K") } }
}

func format(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return "\(rounded)"
}
