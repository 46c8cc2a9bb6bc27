// Tollgate — loading tollgate.yml.

import Model
import Testing

@testable import TollgateConfig

struct TollgateConfigTests {
    @Test func readsGlobal() throws {
        let config = try TollgateConfig(
            yaml: """
                global:
                  scrape_interval: 15s
                  evaluation_interval: 1m30s
                  external_labels:
                    region: eu-west-1
                """, file: "t.yml")
        #expect(config.global.scrapeInterval == PromDuration(milliseconds: 15_000))
        #expect(config.global.scrapeTimeout == PromDuration(milliseconds: 10_000))
        #expect(config.global.evaluationInterval == PromDuration(milliseconds: 90_000))
        #expect(config.global.externalLabels == ["region": "eu-west-1"])
    }

    @Test func emptyFileIsTheDefault() throws {
        #expect(try TollgateConfig(yaml: "", file: "e.yml").global == GlobalConfig())
    }

    @Test(arguments: [
        ("global:\n  scrape_interval: 15s\n  bogus: 1\n", 3, "global.bogus", "unknown field"),
        ("global:\n  scrape_interval: fast\n", 2, "global.scrape_interval", "invalid duration \"fast\"; expected e.g. 15s, 1m, 1h30m"),
        ("global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n", 2, "global.scrape_timeout", "scrape timeout 10s is greater than the scrape interval 5s"),
        ("remote_read: []\n", 1, "remote_read", "not supported by this version of Tollgate yet"),
        ("nonsense: 1\n", 1, "nonsense", "unknown field"),
    ] as [(String, Int, String, String)])
    func errorsNameFileLineAndField(_ yaml: String, _ line: Int, _ field: String, _ message: String) {
        #expect(throws: ConfigError(file: "bad.yml", line: line, field: field, message: message)) {
            try TollgateConfig(yaml: yaml, file: "bad.yml")
        }
    }

    @Test func yamlSyntaxErrorsHaveALine() {
        do {
            _ = try TollgateConfig(yaml: "global:\n  scrape_interval: [1\n", file: "s.yml")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "s.yml")
            #expect(error.line != nil)
            #expect(error.message.hasPrefix("invalid YAML"))
        }
    }
}

struct ByteSizeTests {
    @Test(arguments: [("0", 0), ("100B", 100), ("512MB", 536_870_912), ("1GB", 1_073_741_824), ("2kb", 2048), ("7", 7)] as [(String, Int64)])
    func parses(_ text: String, _ bytes: Int64) {
        #expect(ByteSize(parsing: text)?.bytes == bytes)
    }

    @Test(arguments: ["", "MB", "1.5GB", "-1MB", "10XB", "99999999999EB"])
    func rejects(_ text: String) {
        #expect(ByteSize(parsing: text) == nil)
    }

    @Test func prints() {
        #expect(ByteSize(bytes: 536_870_912).description == "512MB")
        #expect(ByteSize(bytes: 1000).description == "1000B")
    }
}
