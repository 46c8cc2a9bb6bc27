// Tollgate — `tollgate import openmetrics`.

import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Exposition
import Gzip
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
        abstract: "Import an OpenMetrics file with timestamps, into a data directory or through a running server.",
        discussion: """
            Takes the files `promtool tsdb create-blocks-from openmetrics` takes: OpenMetrics \
            text ending in # EOF, every sample with a timestamp (gzip-compressed files are \
            read too). Samples are committed in batches; a sample older than its series' newest \
            is rejected and counted, as is a sample without a timestamp. A summary is printed; \
            on a terminal, progress is shown.

            --data-dir writes the directory itself, under the same exclusive lock as serve: it \
            is refused while a server (or anything else) uses the directory. At the end the data \
            is sealed and compacted. --url sends the batches to a running server started with \
            --web.enable-admin-api (POST /api/v1/import/openmetrics), which commits them beside \
            its scrapes: the way to backfill a live server.
            """
    )

    @Argument(help: ArgumentHelp("The OpenMetrics file (or - for standard input).", valueName: "FILE"))
    var file: String

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("The data directory to write (default ./data); refused while in use.", valueName: "DIR"))
    var dataDir: String?

    @Option(
        name: .customLong("url"),
        help: ArgumentHelp("Import through the server at this URL (e.g. http://127.0.0.1:9090) instead of a data directory.", valueName: "URL"))
    var url: String?

    @Option(name: .customLong("batch-size"), help: "Samples per committed batch (per request with --url).")
    var batchSize = 10_000

    @Option(name: .customLong("timeout"), help: ArgumentHelp("With --url, how long one request may take, in seconds.", valueName: "SECONDS"))
    var timeout = 60

    @Flag(name: .customLong("report-commits"), help: "Print `committed N` on standard output after every durable batch.")
    var reportCommits = false

    @Flag(name: .customLong("no-compact"), help: "Leave the imported data in sealed chunks instead of merging it into blocks.")
    var noCompact = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        if url != nil && dataDir != nil { throw ValidationError("--url and --data-dir exclude each other: import through a server or into a directory") }
        if let url, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("--url: expected http://HOST:PORT or https://HOST:PORT, got \"\(url)\"")
        }
    }

    func run() async throws {
        var body = try (file == "-" ? InputFile.readStandardInput() : InputFile.read(path: file))
        if Gzip.isGzip(body) { body = try Gzip.decompress(body) }
        if let url {
            try await importThroughServer(body, url: url)
        } else {
            try await importIntoDirectory(body, dataDir ?? "./data")
        }
    }

    /// Writes the directory, holding its lock.
    private func importIntoDirectory(_ body: [UInt8], _ directory: String) async throws {
        let store = try await LockedStore.writing(directory, command: "tollgate import")
        defer { store.close() }
        let tsdb = store.tsdb
        let progress = Progress(total: body.count)
        var reader = BackfillReader(text: body)
        var appender = tsdb.appender()
        var total = CommitResult()
        do {
            while try reader.read(upTo: batchSize - appender.count, { appender.append($0, t: $1, v: $2) }) {
                total = total + (try await appender.commit())
                report(total, progress, reader.progress)
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
        report(total, progress, reader.progress)
        progress.finish()
        try await tsdb.flush()
        if !noCompact {
            _ = try await tsdb.compact(before: .max)
            try await tsdb.vacuum()
        }
        let stats = try await tsdb.stats()
        var summary = Self.summary(file: file, into: tsdb.path, total, missingTimestamp: reader.missingTimestamp)
        if stats.samples > 0 {
            summary += "  store now: \(stats.series) series, \(stats.samples) samples, \(stats.dataBytes) data bytes "
                + "(\(format(Double(stats.dataBytes) / Double(stats.samples))) B/sample), \(stats.fileBytes) bytes on disk\n"
        }
        StandardStream.output(Array(summary.utf8))
    }

    /// Sends the file to a running server in batches.
    private func importThroughServer(_ body: [UInt8], url: String) async throws {
        let progress = Progress(total: body.count)
        let remote = RemoteImport(baseURL: url, batchSize: batchSize, timeoutMilliseconds: timeout * 1000)
        let totals: RemoteImport.Totals
        do {
            totals = try await remote.run(body) { totals, fraction in
                report(totals.commit, progress, fraction)
            }
        } catch {
            progress.finish()
            StandardStream.error("\(file): \(error)\n")
            throw ExitCode(1)
        }
        progress.finish()
        let summary = Self.summary(file: file, into: url, totals.commit, missingTimestamp: totals.noTimestamp)
        StandardStream.output(Array(summary.utf8))
    }

    static func summary(file: String, into target: String, _ total: CommitResult, missingTimestamp: Int) -> String {
        """
        imported \(file) into \(target)
          series created:     \(total.newSeries)
          samples stored:     \(total.appended)
          rejected:           \(total.rejected + missingTimestamp)
            out of order:     \(total.outOfOrder)
            duplicate:        \(total.duplicate)
            no timestamp:     \(missingTimestamp)

        """
    }

    private func report(_ total: CommitResult, _ progress: Progress, _ fraction: Double) {
        if reportCommits { StandardStream.output(Array("committed \(total.appended + total.rejected)\n".utf8)) }
        progress.update(samples: total.appended, fraction: fraction)
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
