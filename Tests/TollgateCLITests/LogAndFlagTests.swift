// Tollgate — log lines (one event per line, control characters escaped) and the sorting of
// Prometheus's flags.

import Foundation
import Testing

@testable import TollgateCLI

struct LogAndFlagTests {
    @Test func logfmtQuotesAndEscapesValues() {
        let line = String(decoding: LineLogHandler.logfmt([
            ("level", "warning"), ("msg", "scrape failed"), ("error", "unsupported Content-Type \"text/html\r\n\""), ("empty", ""),
            ("plain", "a_b"),
        ]), as: UTF8.self)
        #expect(line == #"level=warning msg="scrape failed" error="unsupported Content-Type \"text/html\r\n\"" empty="" plain=a_b"#)
        #expect(!line.contains("\n") && !line.contains("\r"))
    }

    @Test func jsonLinesEscapeControlCharacters() throws {
        let bytes = LineLogHandler.json([("msg", "two\nlines"), ("bell", "\u{7}")])
        #expect(!bytes.contains(UInt8(ascii: "\n")))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String])
        #expect(object == ["msg": "two\nlines", "bell": "\u{7}"])
    }

    @Test func prometheusFlagsAreKeptIgnoredOrRefused() {
        let sorted = PrometheusFlags([
            "--config.file=/etc/prometheus/prometheus.yml", "--web.console.templates=/etc/prometheus/consoles",
            "--web.console.libraries", "/etc/prometheus/console_libraries", "--storage.tsdb.no-lockfile", "--web.enable-lifecycle",
            "--storage.remote.read-sample-limit", "5", "--storage.remote.flush-deadline=1m", "--storage.tsdb.path", "/var/lib/prometheus",
        ])
        #expect(sorted.kept == ["--config.file=/etc/prometheus/prometheus.yml", "--web.enable-lifecycle", "--storage.tsdb.path", "/var/lib/prometheus"])
        #expect(sorted.ignoredFlags == ["--web.console.templates", "--web.console.libraries", "--storage.tsdb.no-lockfile", "--storage.remote.flush-deadline"])
        #expect(sorted.refusal == "Prometheus flags Tollgate does not support: --storage.remote.read-sample-limit (remote read is not supported); remove them and start again")
        #expect(PrometheusFlags(["--config.file", "x"]).refusal == nil)
    }
}
