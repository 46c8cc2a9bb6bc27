// Tollgate — the rules in rules/: they load, and their unit tests pass with Tollgate and with promtool.

import Foundation
import Testing

struct ShippedRulesTests {
    static let folder = Binary.repositoryRoot.appendingPathComponent("rules")

    static func files(_ suffix: String, tests: Bool) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(suffix) && $0.hasSuffix(".test.yml") == tests }
            .sorted().map { folder.appendingPathComponent($0).path }
    }

    @Test func everyRuleFileLoads() throws {
        let files = try Self.files(".yml", tests: false)
        #expect(files.count >= 7)
        let result = try Binary.run(["check", "rules"] + files)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "SUCCESS").count - 1 == files.count)
    }

    @Test func unitTestsPassWithTollgate() throws {
        let files = try Self.files(".test.yml", tests: true)
        #expect(files.count >= 7)
        let result = try Binary.run(["test", "rules"] + files)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "SUCCESS").count - 1 == files.count)
    }

    @Test func unitTestsPassWithPromtool() throws {
        let promtool = URL(fileURLWithPath: "/usr/bin/promtool")
        guard FileManager.default.isExecutableFile(atPath: promtool.path) else {
            print("skipped: promtool is not installed")
            return
        }
        let result = try Binary.run(["test", "rules"] + Self.files(".test.yml", tests: true), executable: promtool)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }
}
