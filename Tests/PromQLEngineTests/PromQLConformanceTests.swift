// Tollgate — Prometheus's promqltest files, run against the engine over a real store.

import Foundation
import TestSupport
import Testing

/// Every eval of ../shared/testdata/promqltest either passes or is listed in
/// promqltest-skips.txt with its reason; a listed eval that passes is reported too, so the
/// list stays exact.
struct PromQLConformanceTests {
    static let directory = SharedData.root?.appendingPathComponent("testdata/promqltest")

    static var files: [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".test") }.sorted()
    }

    @Test(.enabled(if: SharedData.isAvailable, "../shared/testdata/promqltest is not beside the clone"), arguments: files)
    func file(_ name: String) async throws {
        guard let directory = Self.directory else { return }
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        let skips = try SkipList.load()
        if let reason = skips.wholeFile[name] {
            print("promqltest \(name): skipped as a whole: \(reason)")
            return
        }
        let commands = try TestFile.parse(text)
        let outcomes = try await TestRunner().run(commands)
        var passed = 0, skipped = 0
        var generated: [String] = []
        for outcome in outcomes {
            let listed = skips.cases["\(name):\(outcome.line)"]
            switch (outcome.failure, listed) {
            case (nil, nil): passed += 1
            case (nil, .some):
                Issue.record("\(name):\(outcome.line) passes but is listed in promqltest-skips.txt: \(outcome.query)")
            case (.some, .some): skipped += 1
            case (.some(let failure), nil):
                generated.append("\(name):\(outcome.line) \(outcome.involvesHistograms ? "native-histograms" : "TODO") \(outcome.query)")
                Issue.record("\(name):\(outcome.line) \(outcome.query): \(failure)")
            }
        }
        print("promqltest \(name): \(outcomes.count) evals, \(passed) passed, \(skipped) skipped (listed)")
        if ProcessInfo.processInfo.environment["PROMQLTEST_PRINT_SKIPS"] != nil {
            for line in generated { print("SKIP \(line)") }
        }
    }
}

/// promqltest-skips.txt: `file.test:LINE reason…` per eval, or `file.test reason…` for a whole file.
struct SkipList {
    var cases: [String: String] = [:]
    var wholeFile: [String: String] = [:]

    static func load() throws -> SkipList {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("promqltest-skips.txt")
        var list = SkipList()
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard let key = parts.first else { continue }
            let reason = parts.count > 1 ? parts[1] : ""
            if key.contains(":") { list.cases[key] = reason } else { list.wholeFile[key] = reason }
        }
        return list
    }
}
