// Tollgate fuzzing: each target feeds one input to a parser that reads outside input,
// through the entry point the server or the command line uses.

import CloudWatch
import Exposition
import Foundation
import GoTemplate
import Guards
import Gzip
import Model
import Notify
import PromQL
import RemoteWrite
import Rollouts
import Rules
@testable import TSDB
import TollgateConfig

enum Targets {
    // MARK: Expositions (scrape bodies)

    static func expositionText(_ input: [UInt8]) { exposition(input, format: .text) }
    static func expositionOpenMetrics(_ input: [UInt8]) { exposition(input, format: .openMetrics) }

    /// Parses the body as a scrape does: every entry, every accessor; then once more with a
    /// scrape cache's expectations (the keys of the first pass), which skips label scans.
    static func exposition(_ input: [UInt8], format: ExpositionFormat) {
        var table = SeriesKeyTable(capacity: 16)
        var parser = ExpositionParser(bytes: input, format: format)
        var id = 0
        do {
            while let entry = try parser.next() {
                switch entry {
                case .help: _ = (parser.metadataName, parser.helpText)
                case .type: _ = (parser.metadataName, parser.metricType)
                case .unit: _ = (parser.metadataName, parser.unitText)
                case .comment: _ = parser.commentText
                case .sample:
                    _ = try parser.labels()
                    _ = (parser.value, parser.timestamp, parser.exemplar(), parser.createdTimestamp, parser.progress)
                    if table.find(parser.seriesBytes) == nil {
                        table.insert(parser.seriesBytes, id: id)
                        id += 1
                    }
                }
            }
        } catch {
            _ = "\(error)"
            return
        }
        var again = ExpositionParser(bytes: input, format: format)
        var expected = 0
        do {
            while let entry = try again.next(expecting: expected, in: table) {
                guard entry == .sample else { continue }
                _ = try again.labels()
                expected = (expected + 1) % max(table.count, 1)
            }
        } catch {
            _ = "\(error)"
        }
    }

    // MARK: PromQL

    /// An expression as the query API parses it (every experimental switch on), printed
    /// back (`format_query`) and parsed again.
    static func promQL(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        do {
            let expr = try parseExpr(text, options: .all)
            _ = try? parseExpr(expr.description, options: .all)
        } catch {
            _ = "\(error)"
        }
    }

    /// A promtool test file's `series` / `values` strings and their label sets.
    static func seriesDescription(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? SeriesDescription.parse(text)
        _ = try? SeriesDescription.parseLabels(text)
        _ = SeriesDescription.expand(text)
        _ = SeriesDescription.unquote(text)
        _ = PromDuration(parsing: text)
    }

    // MARK: Configuration files

    static func tollgateConfig(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? TollgateConfig(yaml: text, file: "fuzz.yml")
        _ = TollgateConfig.redactingSecrets(text)
    }

    /// A `file_sd_configs` file (JSON or YAML).
    static func fileSD(_ input: [UInt8]) {
        _ = try? TargetGroup.fileSD(String(decoding: input, as: UTF8.self), file: "fuzz.json")
    }

    /// A rule file as `check rules` and the rule manager read it: structure, then every
    /// expression and template.
    static func ruleFile(_ input: [UInt8]) {
        let (file, _) = RuleFile.read(yaml: String(decoding: input, as: UTF8.self), path: "fuzz.rules.yml")
        let loader = RuleLoader(
            evaluationInterval: PromDuration(milliseconds: 60_000), queryOffset: PromDuration(milliseconds: 0),
            parserOptions: ParserOptions(), templates: GoAlertTemplates())
        _ = loader.check(file: file)
    }

    /// A promtool rule unit test file (`test rules`), with its series descriptions.
    static func ruleTestFile(_ input: [UInt8]) {
        guard let file = try? RuleTestFile(yaml: String(decoding: input, as: UTF8.self), path: "fuzz.test.yml") else { return }
        for group in file.tests {
            for series in group.inputSeries {
                _ = try? SeriesDescription.parse("\(series.series) \(series.values)")
            }
        }
    }

    static func alertmanagerFile(_ input: [UInt8]) {
        _ = try? AlertmanagerFile(yaml: String(decoding: input, as: UTF8.self), file: "fuzz.alertmanager.yml")
    }

    /// A guard file as `check guards` reads it: structure, then every expression.
    static func guardFile(_ input: [UInt8]) {
        let (file, _) = GuardFile.read(yaml: String(decoding: input, as: UTF8.self), path: "fuzz.guards.yml")
        _ = GuardFileCheck.problems(in: file, options: .all)
    }

    /// blackbox.yml's probe modules.
    static func probeModules(_ input: [UInt8]) {
        _ = ProbeModules.read(yaml: String(decoding: input, as: UTF8.self), path: "fuzz.blackbox.yml")
    }

    // MARK: Templates and matchers

    /// An alert template as a rule's annotation: parsed with Prometheus's functions, then
    /// executed with an alert's labels and value.
    static func goTemplate(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let expander = AlertTemplateExpander(
            context: PrometheusTemplateContext(evaluationTime: 1_700_000_000_000, externalURL: "http://tollgate.example:9090"),
            externalLabels: ["cluster": "eu-1"])
        _ = try? expander.expandOrThrow(text, alertName: "Fuzz", labels: ["instance": "host:9100", "job": "node"], value: 42.5)
    }

    /// Matchers as amtool, the API's `filter` and alertmanager.yml give them.
    static func alertmanagerMatchers(_ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        let parsed = [
            try? AlertmanagerMatchers.parse(text), try? AlertmanagerMatchers.parseUTF8(text),
            try? AlertmanagerMatchers.parseClassic(text),
        ]
        for case let matchers? in parsed {
            _ = AlertmanagerMatchers.format(AlertmanagerMatchers.sorted(matchers))
            for matcher in matchers { _ = matcher.matches("fuzz") }
        }
        _ = try? AlertmanagerMatchers.parseMatcher(text)
        _ = try? AlertmanagerMatchers.parseClassicMatcher(text)
    }

    // MARK: Wire formats

    /// A remote-write body: the bytes as a snappy block (what the receiver gets), and as the
    /// protobuf inside one (so that the fuzzer reaches the message decoder without having to
    /// build valid snappy first).
    static func remoteWrite(_ input: [UInt8]) {
        _ = try? WriteRequestCodec.decode(input, maxDecodedBytes: 1 << 20)
        _ = try? WriteRequestCodec.decodeProtobuf(input)
    }

    /// A CloudWatch Query-protocol answer: the XML, then the readers of its three shapes.
    static func cloudWatchXML(_ input: [UInt8]) {
        guard let root = try? XMLReader.read(input) else { return }
        _ = try? QueryProtocol.parseGetMetricData(root)
        _ = try? QueryProtocol.parseListMetrics(root)
        _ = QueryProtocol.parseError(root)
    }

    /// `POST /api/v2/alerts`.
    static func postableAlerts(_ input: [UInt8]) {
        if case .success(let alerts) = PostableAlerts.decode(input) {
            for alert in alerts { _ = alert.fingerprint }
        }
    }

    /// `POST /api/v2/silences`.
    static func postableSilence(_ input: [UInt8]) {
        _ = PostableSilence.decode(input, now: 1_700_000_000_000)
    }

    /// The rollout API's bodies: start, finish, and Flagger's webhook.
    static func rolloutRequests(_ input: [UInt8]) {
        _ = try? RolloutRequest(json: input)
        _ = try? FinishRequest(json: input)
        _ = try? FlaggerRequest(json: input)
    }

    /// A gzip body (scrapes, `Content-Encoding: gzip` requests) and raw deflate.
    static func gzip(_ input: [UInt8]) {
        _ = Gzip.isGzip(input)
        _ = try? Gzip.decompress(input, limit: 1 << 20)
        _ = try? Gzip.inflateRaw(input, limit: 1 << 20)
    }

    /// A head-log record as recovery reads it from the store: the bytes as stored, and the
    /// bytes behind a correct CRC-32 (so that the fuzzer gets past the checksum); the bytes
    /// also as a whole head-log file, split into frames whose records are decoded in order
    /// (values coded against bases set by the records before them, ``LogValues``).
    static func tsdbLogRecord(_ input: [UInt8]) {
        _ = LogRecord(Data(input))
        let crc = input.withUnsafeBufferPointer { Gzip.crc32($0) }
        let framed = [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)] + input
        var values = LogValues()
        // Twice: the second pass reads its values against the bases the first one set.
        _ = LogRecord(Data(framed), values: &values)
        _ = LogRecord(Data(framed), values: &values)
        var file = LogValues()
        for frame in HeadLog.frames(Data(input)).frames { _ = LogRecord(frame.record, values: &file) }
    }
}
