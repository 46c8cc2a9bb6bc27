// Tollgate — promqltest files: the commands of one file.

import Foundation
import Model
import PromQL

/// What an eval expects to fail or to be annotated with.
enum MessageMatch {
    case any
    case exact(String)
    case regex(String)

    func matches(_ text: String) -> Bool {
        switch self {
        case .any: return true
        case .exact(let s): return s == text
        case .regex(let r):
            guard let regex = try? Regex(r) else { return false }
            return text.contains(regex)
        }
    }
}

/// One `eval` block.
struct EvalCommand {
    var line: Int
    var query: String
    var isRange: Bool
    var at: Int64 = 0
    var start: Int64 = 0
    var end: Int64 = 0
    var step: Int64 = 0
    var expectFail: MessageMatch?
    var ordered = false
    var warns: [MessageMatch] = []
    var infos: [MessageMatch] = []
    var noWarn = false
    var noInfo = false
    var anyWarn = false
    var anyInfo = false
    /// Expected series with their 1-based body position.
    var series: [(labels: Labels, values: [Double?], position: Int)] = []
    var scalar: Double?
    var rangeVector: (start: Int64, end: Int64, step: Int64)?
    var string: String?
    var usesHistograms = false
}

/// One command of a file, in order.
enum TestCommand {
    /// `nativeHistograms`: `load_with_nhcb`, which also stores the classic series as native histograms.
    case load(step: Int64, series: [SeriesDescription], line: Int, nativeHistograms: Bool)
    case clear
    case eval(EvalCommand)
}

/// Parses a promqltest file (see the format notes in ../shared/reference/promqltest-format.md).
enum TestFile {
    static func parse(_ text: String) throws(TestFileError) -> [TestCommand] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            let trimmed = raw.trimmingCharacters(in: [" ", "\t", "\r"])
            return trimmed.hasPrefix("#") ? "" : trimmed
        }
        var commands: [TestCommand] = []
        var i = 0
        while i < lines.count {
            let header = lines[i]
            let lineNumber = i + 1
            i += 1
            if header.isEmpty { continue }
            if header.lowercased() == "clear" || header.lowercased().hasPrefix("clear ") {
                commands.append(.clear)  // a clear takes no body: the next line is a command
                continue
            }
            var body: [(String, Int)] = []
            while i < lines.count && !lines[i].isEmpty {
                body.append((lines[i], i + 1))
                i += 1
            }
            let keyword = header.split(separator: " ", maxSplits: 1).first.map { String($0).lowercased() } ?? ""
            if keyword.hasPrefix("load") {
                let parts = header.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard parts.count >= 2, let step = TestValues.duration(String(parts[1])) else {
                    throw TestFileError(line: lineNumber, message: "bad load header")
                }
                var series: [SeriesDescription] = []
                for (text, n) in body where !text.contains("@st ") { series.append(try SeriesDescription.parse(text, line: n)) }
                commands.append(.load(step: step, series: series, line: lineNumber, nativeHistograms: keyword == "load_with_nhcb"))
            } else if keyword.hasPrefix("eval") {
                commands.append(.eval(try parseEval(header, body, line: lineNumber)))
            } else {
                throw TestFileError(line: lineNumber, message: "invalid command \"\(header)\"")
            }
        }
        return commands
    }

    private static func parseEval(_ header: String, _ body: [(String, Int)], line: Int) throws(TestFileError) -> EvalCommand {
        var words = header.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let keyword = words.removeFirst()
        var eval = EvalCommand(line: line, query: "", isRange: false)
        if keyword == "eval_fail" { eval.expectFail = .any }
        if keyword == "eval_ordered" { eval.ordered = true }
        if keyword == "eval_warn" { eval.anyWarn = true }
        if keyword == "eval_info" { eval.anyInfo = true }
        func time(_ text: String) throws(TestFileError) -> Int64 {
            guard let t = TestValues.duration(text) else { throw TestFileError(line: line, message: "bad duration \(text)") }
            return t
        }
        if words.first == "instant", words.count >= 4, words[1] == "at" {
            eval.at = try time(words[2])
            eval.query = words[3...].joined(separator: " ")
        } else if words.first == "range", words.count >= 8, words[1] == "from", words[3] == "to", words[5] == "step" {
            eval.isRange = true
            eval.start = try time(words[2])
            eval.end = try time(words[4])
            eval.step = try time(words[6])
            eval.query = words[7...].joined(separator: " ")
        } else {
            throw TestFileError(line: line, message: "bad eval header")
        }
        // Keep the query text verbatim (annotation columns count its bytes).
        if let range = header.range(of: eval.query) { eval.query = String(header[range.lowerBound...]) }
        var position = 0
        for (text, n) in body {
            let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.first == "expect" {
                let rest = parts.count > 1 ? parts[1] : ""
                if rest.hasPrefix("range vector") {
                    position += 1
                    let w = rest.split(separator: " ").map(String.init)
                    guard w.count >= 8 else { throw TestFileError(line: n, message: "bad expect range vector") }
                    eval.rangeVector = (try time(w[3]), try time(w[5]), try time(w[7]))
                    if let end = eval.rangeVector?.end { eval.at = end }
                    continue
                }
                if rest.hasPrefix("string") {
                    position += 1
                    eval.string = SeriesDescription.unquote(rest.dropFirst(6).trimmingCharacters(in: .whitespaces))
                    continue
                }
                let kind = String(rest.prefix { $0 != " " && $0 != ":" })
                var match = MessageMatch.any
                let after = rest.dropFirst(kind.count).trimmingCharacters(in: .whitespaces)
                if after.hasPrefix("msg:") { match = .exact(after.dropFirst(4).trimmingCharacters(in: .whitespaces)) }
                if after.hasPrefix("regex:") { match = .regex(after.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
                switch kind {
                case "fail": eval.expectFail = match
                case "ordered": eval.ordered = true
                case "warn": eval.warns.append(match)
                case "info": eval.infos.append(match)
                case "no_warn": eval.noWarn = true
                case "no_info": eval.noInfo = true
                default: throw TestFileError(line: n, message: "unknown expectation \(kind)")
                }
                continue
            }
            if parts.first == "expected_fail_message" {
                eval.expectFail = .exact(parts.count > 1 ? parts[1] : "")
                break
            }
            if parts.first == "expected_fail_regexp" {
                eval.expectFail = .regex(parts.count > 1 ? parts[1] : "")
                break
            }
            position += 1
            if let v = SeriesDescription.number(text, allowHex: true) {
                eval.scalar = v
                break
            }
            let series = try SeriesDescription.parse(text, line: n)
            if series.hasHistograms { eval.usesHistograms = true }
            eval.series.removeAll { $0.labels == series.labels }
            eval.series.append((series.labels, series.values, position))
        }
        return eval
    }
}
