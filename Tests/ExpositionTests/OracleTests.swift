// Tollgate — verdicts and samples against real Prometheus scrapes (Oracle/README.md).
//
// Verdicts are checked against Prometheus 3.x: the OpenMetrics suite's
// `prometheus_3.x_expected` column, and Oracle/text-cases/EXPECTED_3X.tsv. Samples
// are checked against what a real Prometheus 2.42 stored, parsing with 3.x's
// `le`/`quantile` rewrite turned off (2.x never did it); where 3.x stores other
// samples, EXPECTED_3X.tsv gives them and they are checked instead.

import Foundation
import Model
import TestSupport
import Testing

@testable import Exposition

/// One oracle record: what Prometheus 2.42 made of a body.
struct OracleRecord: Decodable {
    var health: String
    var samples: [String]
}

enum Oracle {
    static func records(_ file: String) throws -> [String: OracleRecord] {
        try JSONDecoder().decode([String: OracleRecord].self, from: Data(contentsOf: SharedData.fixture("Oracle/\(file)")))
    }

    static func tsv(_ url: URL) throws -> [[String]] {
        try String(decoding: Data(contentsOf: url), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The OpenMetrics suite cases with their 3.x verdicts; empty when ../shared is absent.
    static func suiteCases() -> [String] {
        guard let root = SharedData.root,
            let rows = try? tsv(root.appendingPathComponent("testdata/exposition/openmetrics/PROMETHEUS_VERDICTS.tsv"))
        else { return [] }
        return rows.dropFirst().map { $0[0] }
    }

    static func textCases() -> [String] {
        (try? tsv(SharedData.fixture("Oracle/text-cases/MANIFEST.tsv")))?.map { $0[0] } ?? []
    }

    /// Parses with the 3.x rewrite on or off; returns the samples or nil when rejected.
    static func parse(_ body: [UInt8], _ format: ExpositionFormat, normalize: Bool) -> [ParsedSample]? {
        var parser = ExpositionParser(bytes: body, format: format)
        parser.normalizesLabelValues = normalize
        var samples: [ParsedSample] = []
        do {
            while let entry = try parser.next() {
                if entry == .sample { samples.append(ParsedSample(labels: try parser.labels(), value: parser.value, timestamp: parser.timestamp)) }
            }
        } catch {
            return nil
        }
        return samples
    }

    /// Checks parsed samples against a 2.42 scrape as promcheck reports it: every
    /// series without its own timestamp is stored with its first value; every stored
    /// line is one of the parsed samples (old explicit timestamps are dropped by storage).
    static func compare(_ samples: [ParsedSample], with stored: [String], case name: String) {
        var firstValue: [String: Double] = [:]
        var order: [String] = []
        var rendered: [(String, ParsedSample)] = []
        for sample in samples {
            let series = SeriesText.format(asTargetStores(sample.labels))
            rendered.append((series, sample))
            if sample.timestamp == nil && firstValue[series] == nil {
                firstValue[series] = sample.value
                order.append(series)
            }
        }
        for series in order {
            let line = stored.first { $0.hasPrefix(series + " ") && !$0.dropFirst(series.count + 1).contains(" ") }
            #expect(line != nil, "\(name): \(series) not stored by Prometheus")
            if let line, let want = firstValue[series] {
                let got = Double(line.dropFirst(series.count + 1)) ?? .nan
                #expect(got == want || (got.isNaN && want.isNaN), "\(name): \(series) = \(want), Prometheus stored \(line)")
            }
        }
        for line in stored {
            let match = rendered.contains { series, sample in
                guard line.hasPrefix(series + " ") else { return false }
                let rest = line.dropFirst(series.count + 1).split(separator: " ")
                let value = Double(rest[0]) ?? .nan
                guard value == sample.value || (value.isNaN && sample.value.isNaN) else { return false }
                return rest.count == 1 ? true : Int64(rest[1]) == sample.timestamp
            }
            #expect(match, "\(name): Prometheus stored \(line), which Tollgate did not parse")
        }
    }

    /// A target's `job` and `instance` push exposed ones aside as `exported_*`.
    static func asTargetStores(_ labels: Labels) -> Labels {
        Labels(sorting: labels.map { label in
            ["job", "instance", "tcase"].contains(label.name) ? Label("exported_" + label.name, label.value) : label
        })
    }
}

@Suite(.enabled(if: SharedData.isAvailable, "../shared is absent: the OpenMetrics conformance cases are skipped"))
struct OpenMetricsSuiteTests {
    static let verdicts: [String: String] = {
        guard let root = SharedData.root,
            let rows = try? Oracle.tsv(root.appendingPathComponent("testdata/exposition/openmetrics/PROMETHEUS_VERDICTS.tsv"))
        else { return [:] }
        return Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0[3]) })
    }()
    static let observed = (try? Oracle.records("openmetrics-suite.prometheus-2.42.json")) ?? [:]

    @Test func allCasesArePresent() {
        #expect(Self.verdicts.count == 211)
        #expect(Self.verdicts.values.filter { $0 == "accept" }.count == 123)
    }

    @Test(arguments: Oracle.suiteCases())
    func verdictAndSamples(_ name: String) throws {
        let root = try #require(SharedData.root)
        let body = try SharedData.bytes(root.appendingPathComponent("testdata/exposition/openmetrics/parsers/\(name)/metrics"))
        let accepted = Oracle.parse(body, .openMetrics, normalize: true)
        #expect((accepted != nil) == (Self.verdicts[name] == "accept"), "\(name): Prometheus 3.x says \(Self.verdicts[name] ?? "?")")
        if let record = Self.observed[name], record.health == "up", let samples = Oracle.parse(body, .openMetrics, normalize: false) {
            Oracle.compare(samples, with: record.samples, case: name)
        }
    }
}

struct TextCaseTests {
    static let manifest: [String: String] = {
        let rows = (try? Oracle.tsv(SharedData.fixture("Oracle/text-cases/MANIFEST.tsv"))) ?? []
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0[1]) })
    }()
    static let expected: [String: (verdict: String, note: String)] = {
        let rows = (try? Oracle.tsv(SharedData.fixture("Oracle/text-cases/EXPECTED_3X.tsv"))) ?? []
        return Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], ($0[1], $0.count > 2 ? $0[2] : "")) })
    }()
    static let observed = (try? Oracle.records("text-cases.prometheus-2.42.json")) ?? [:]

    @Test func allCasesArePresent() {
        #expect(Self.manifest.count == 120)
        #expect(Self.expected.count == 120)
        #expect(Self.observed.count >= 120)
    }

    @Test(arguments: Oracle.textCases())
    func verdictAndSamples(_ file: String) throws {
        let body = try SharedData.bytes(SharedData.fixture("Oracle/text-cases/\(file)"))
        let header = Self.manifest[file] ?? "-"
        let expectation = try #require(Self.expected[file])
        let format = try? ExpositionFormat.negotiate(contentType: header == "-" ? nil : header)
        let samples = format.flatMap { Oracle.parse(body, $0, normalize: true) }
        #expect((samples != nil) == (expectation.verdict == "accept"), "\(file): Prometheus 3.x should \(expectation.verdict) (\(expectation.note))")
        guard let format, let samples else { return }
        if let stores = expectation.note.range(of: "3.x stores"), let colon = expectation.note[stores.upperBound...].range(of: ": ") {
            // The note lists the lines 3.x stores, `; `-separated; `<TAB>` stands for a tab byte.
            let lines = expectation.note[colon.upperBound...].components(separatedBy: " (<TAB>")[0]
                .components(separatedBy: "; ").map { $0.replacingOccurrences(of: "<TAB>", with: "\t") }
            Oracle.compare(samples, with: lines, case: file)
            #expect(Set(samples.map { SeriesText.format($0.labels) }).count == lines.count, "\(file): \(samples.map(render))")
        } else if let record = Self.observed[file], record.health == "up", let legacy = Oracle.parse(body, format, normalize: false) {
            Oracle.compare(legacy, with: record.samples, case: file)
        }
    }
}
