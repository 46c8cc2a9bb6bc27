// Tollgate — `tollgate check metrics`.

import ArgumentParser
import Exposition
import Gzip
import Model

/// Parses an exposition as a scrape would and prints its samples.
struct CheckMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Parse an exposition the way a scrape would and print its samples.",
        discussion: """
            Prints one line per sample, in exposition order:
              name{l1="v1",l2="v2"} value [timestamp_ms]
            Labels are sorted bytewise, labels with empty values are left out, and a \
            name outside the legacy character set is quoted inside the braces. A \
            gzip-compressed file is decompressed first, as a scrape decodes \
            Content-Encoding: gzip. An exposition that a Prometheus 3.x scrape would \
            reject prints the error with its line and column and exits 1.
            """
    )

    @Option(
        name: .customLong("content-type"),
        help: ArgumentHelp("The Content-Type the exposition is served with; it picks the parser.", valueName: "TYPE")
    )
    var contentType = "text/plain; version=0.0.4"

    @Argument(help: ArgumentHelp("The exposition file, or - for standard input.", valueName: "FILE|-"))
    var file: String

    func run() async throws {
        let format: ExpositionFormat
        do {
            format = try ExpositionFormat.negotiate(contentType: contentType)
        } catch {
            throw ValidationError("--content-type: \(error)")
        }
        let name = file == "-" ? "<stdin>" : file
        var body: [UInt8]
        do {
            body = try (file == "-" ? InputFile.readStandardInput() : InputFile.read(path: file))
            if Gzip.isGzip(body) { body = try Gzip.decompress(body) }
        } catch {
            StandardStream.error("\(name): \(error)\n")
            throw ExitCode(1)
        }
        let samples: [ParsedSample]
        do {
            samples = try ExpositionParser.samples(in: body, format: format)
        } catch {
            StandardStream.error("\(name): \(error)\n")
            throw ExitCode(1)
        }
        var out: [UInt8] = []
        out.reserveCapacity(samples.count * 64)
        for sample in samples {
            SeriesText.append(sample.labels, to: &out)
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: SeriesText.formatValue(sample.value).utf8)
            if let timestamp = sample.timestamp {
                out.append(UInt8(ascii: " "))
                out.append(contentsOf: String(timestamp).utf8)
            }
            out.append(UInt8(ascii: "\n"))
            if out.count >= 1 << 16 {
                StandardStream.output(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        StandardStream.output(out)
    }
}
