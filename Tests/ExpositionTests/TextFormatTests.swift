// Tollgate — the text format 0.0.4 edge cases of the exposition notes, section 4.

import Model
import Testing

@testable import Exposition

struct TextFormatTests {
    /// Bodies a Prometheus 3.x scrape accepts, and the samples it stores.
    @Test(arguments: [
        ("a 1", ["a 1.0"]),
        ("a 1\n", ["a 1.0"]),
        ("\n\n  \t\na 1\n\n", ["a 1.0"]),
        ("a{b=\"c\"}1", ["a{b=\"c\"} 1.0"]),
        ("a { b = \"c\" , d=\"e\" } 1", ["a{b=\"c\",d=\"e\"} 1.0"]),
        ("a{b=\"1\" c=\"2\"} 1", ["a{b=\"1\",c=\"2\"} 1.0"]),
        ("a{b=\"1\",} 1", ["a{b=\"1\"} 1.0"]),
        ("a{} 1", ["a 1.0"]),
        ("{\"my.name\",a=\"b\"} 1", ["{\"my.name\",a=\"b\"} 1.0"]),
        ("{b=\"c\",\"x.y\"} 1", ["{\"x.y\",b=\"c\"} 1.0"]),
        ("a{\"odd name\"=\"v\"} 1", ["a{\"odd name\"=\"v\"} 1.0"]),
        ("a-1", ["a -1.0"]),
        ("b+2", ["b 2.0"]),
        ("c.5 1700000000000", ["c 0.5 1700000000000"]),
        ("a 1 0001700000000000", ["a 1.0 1700000000000"]),
        ("a 1 1700000000000 \t", ["a 1.0 1700000000000"]),
        ("a 1 ", ["a 1.0"]),
        ("a\t1", ["a 1.0"]),
        ("a{b=\"x\\\\y\\\"z\\nw\\t\\z\"} 1", ["a{b=\"x\\\\y\\\"z\\nw\\\\t\\\\z\"} 1.0"]),
        ("a{b=\"line\nbreak\"} 1", ["a{b=\"line\\nbreak\"} 1.0"]),
        ("a{b=\"1\",b=\"\"} 1", ["a 1.0"]),
        ("a{b=\"\"} 1", ["a 1.0"]),
        ("  lead 1", ["{\"  lead\"} 1.0"]),
        ("  {\"x\"} 1", ["x 1.0"]),
        ("  # comment\na 1", ["a 1.0"]),
        ("#HELP x\n# HELP\n# TYPE\n# UNIT a_s s\n# EOF\n# anything\na 1", ["a 1.0"]),
        ("# HELP a \\\\ \\n \\\" text\na 1", ["a 1.0"]),
        ("# TYPE a\tgauge\na 1", ["a 1.0"]),
        ("# TYPE a counter\n# TYPE a gauge\na 1\n# TYPE a gauge", ["a 1.0"]),
        ("a 1\n\0garbage {{{", ["a 1.0"]),
        ("a 1\n   \0garbage", ["a 1.0"]),
        ("#x\0garbage\na 1", []),
        ("a{b=\"nul\0byte\"} 1", ["a{b=\"nul\0byte\"} 1.0"]),
        ("# HELP a nul\0help\na 1", ["a 1.0"]),
        ("a NaN", ["a NaN"]),
        ("a -Inf\nb +Inf", ["a -Inf", "b +Inf"]),
        ("", []),
    ])
    func accepts(_ body: String, _ samples: [String]) {
        #expect(outcome(body) == .samples(samples))
    }

    /// Bodies a Prometheus 3.x scrape rejects as a whole.
    @Test(arguments: [
        "a 1\r\n",
        "a",
        "a\n",
        "a{b=\"c\"}",
        "{b=\"c\"} 1",
        "{} 1",
        "{foo} 1",
        "a{\"x\"} 1",
        "{\"x\",\"y\"} 1",
        "a{,b=\"c\"} 1",
        "a{b=\"c\",,d=\"e\"} 1",
        "a{b,=\"c\"} 1",
        "a{b=c} 1",
        "a{b=\"c} 1",
        "a{b=\"x\\\ny\"} 1",
        "a{b=\"1\",b=\"2\"} 1",
        "a{__name__=\"x\"} 1",
        "{__name__=\"x\"} 1",
        "{\"\"} 1",
        "a{\"\"=\"v\"} 1",
        "a{__name__=\"\"} 1",
        "http-requests 5",
        "a 1 -3982045",
        "a 1 1.5",
        "a 1 +123",
        "a 1 9223372036854775808",
        "a 1 2 3",
        "a 1 2 # comment",
        "a 1 # {x=\"y\"} 1",
        "a 1e309",
        "a 0x10",
        "a 1_000",
        "a +NaN",
        "a 1}",
        "a{b=\"c\"}{d=\"e\"} 1",
        "# HELP \n",
        "# TYPE a unknown",
        "# TYPE a info",
        "# TYPE a Counter",
        "# TYPE a counter ",
        "# TYPE a  gauge",
        "# TYPE a",
        "=a 1",
        "a 1 123abc",
    ])
    func rejects(_ body: String) {
        #expect(!outcome(body).isAccepted, "\(body.debugDescription)")
    }

    @Test func invalidUTF8IsRejected() {
        #expect(!outcome([UInt8]("a{b=\"".utf8) + [0xFF] + [UInt8]("\"} 1".utf8), .text).isAccepted)
        #expect(!outcome([UInt8]("# HELP a ".utf8) + [0xC3, 0x28], .text).isAccepted)
        #expect(outcome([UInt8]("# x ".utf8) + [0xFF] + [UInt8]("\na 1".utf8), .text) == .samples(["a 1.0"]))
    }

    @Test func leAndQuantileAreNormalizedUnderTheCurrentType() {
        let body = """
            # TYPE h histogram
            h_bucket{le="1"} 1
            h_bucket{le="1e3"} 1
            h_bucket{le="inf"} 1
            h_bucket{le="foo"} 1
            other{le="10"} 1
            # TYPE s summary
            s{quantile="0"} 1
            s{le="1"} 1
            # TYPE g gauge
            g{le="1"} 1
            """
        #expect(outcome(body) == .samples([
            "h_bucket{le=\"1.0\"} 1.0", "h_bucket{le=\"1000.0\"} 1.0", "h_bucket{le=\"+Inf\"} 1.0", "h_bucket{le=\"foo\"} 1.0",
            "other{le=\"10.0\"} 1.0", "s{quantile=\"0.0\"} 1.0", "s{le=\"1\"} 1.0", "g{le=\"1\"} 1.0",
        ]))
    }

    @Test func metadataIsAvailable() throws {
        var parser = ExpositionParser(bytes: Array("# HELP a  two \\\\ \\n \\\" blanks \n# TYPE a counter\n# TYPE \"b.c\" gauge\n# just text\na 1\n".utf8), format: .text)
        #expect(try parser.next() == .help)
        #expect(parser.metadataName == "a")
        #expect(parser.helpText == " two \\ \n \\\" blanks ")
        #expect(try parser.next() == .type)
        #expect(parser.metricType == .counter)
        #expect(try parser.next() == .type)
        #expect(parser.metadataName == "b.c")
        #expect(parser.metricType == .gauge)
        #expect(try parser.next() == .comment)
        #expect(parser.commentText == "# just text")
        #expect(try parser.next() == .sample)
        #expect(String(decoding: parser.seriesBytes, as: UTF8.self) == "a")
        #expect(try parser.next() == nil)
        #expect(try parser.next() == nil)
    }

    @Test func errorsNameLineAndColumn() {
        do {
            _ = try ExpositionParser.samples(in: Array("a 1\nb{c=\"d\"} 2\nb{c=d} 3\n".utf8), format: .text)
            Issue.record("expected a failure")
        } catch {
            #expect(error.line == 3)
            #expect(error.column == 5)
            #expect(error.offset == 19)
            #expect(error.description.hasPrefix("line 3, column 5: expected quoted label value"))
        }
    }

    @Test func emptyHelpAndTextRules() throws {
        var parser = ExpositionParser(bytes: Array("# HELP a\n# HELP b   \n# HELP c x\n# HELP d.rest\n".utf8), format: .text)
        var texts: [String] = []
        while let entry = try parser.next() {
            #expect(entry == .help)
            texts.append(parser.metadataName + "=" + parser.helpText)
        }
        #expect(texts == ["a=", "b=", "c=x", "d=rest"])
    }
}
