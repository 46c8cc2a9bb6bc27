// Tollgate — PromQL: the tokens the lexer produces.

/// A lexical token: its kind, its text and its byte range in the query.
struct Token: Sendable {
    /// What a token is.
    enum Kind: Sendable, Equatable {
        case identifier
        /// An identifier containing `:`.
        case metricIdentifier
        case number
        case duration
        /// A string literal; `text` holds the unquoted value.
        case string
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case comma, colon
        /// `=` (label matching).
        case assign
        case eqlRegex, neqRegex
        case at
        case op(BinaryOperator)
        case keyword(Keyword)
        case aggregator(AggregateOp)
        case eof
        /// A lexing error; `text` holds the message.
        case error
    }

    var kind: Kind
    /// The source text (the unquoted value for strings, the message for errors).
    var text: String
    var start: Int
    var end: Int
    /// The source text as written (with quotes, for strings).
    var raw: String = ""
    /// For a string: whether its bytes, escapes decoded, are valid UTF-8 (`"\xff"` is not;
    /// `text` then holds U+FFFD in place of the bad bytes).
    var isValidUTF8 = true

    var range: PositionRange { PositionRange(start, end) }

    /// Go's `%.10q…` for long token text, `%q` otherwise.
    private static func truncatedQuote(_ value: String) -> String {
        value.utf8.count > 10 ? goQuote(String(value.unicodeScalars.prefix(10))) + "..." : goQuote(value)
    }

    /// Prometheus's `Item.desc()`, as used in "unexpected …" messages.
    var desc: String {
        switch kind {
        case .eof: return "end of input"
        case .error: return text
        case .identifier: return "identifier \(goQuote(text))"
        case .metricIdentifier: return "metric identifier \(goQuote(text))"
        case .number: return "number " + Self.truncatedQuote(raw)
        case .duration: return "duration " + Self.truncatedQuote(raw)
        case .string: return "string " + Self.truncatedQuote(raw)
        case .op(let op): return "<op:\(op.rawValue)>"
        case .keyword(let k): return "<\(k.rawValue)>"
        case .aggregator(let a): return "<aggr:\(a.rawValue)>"
        case .eqlRegex: return "<op:=~>"
        case .neqRegex: return "<op:!~>"
        case .at: return "<op:@>"
        case .leftParen: return "\"(\""
        case .rightParen: return "\")\""
        case .leftBrace: return "\"{\""
        case .rightBrace: return "\"}\""
        case .leftBracket: return "\"[\""
        case .rightBracket: return "\"]\""
        case .comma: return "\",\""
        case .colon: return "\":\""
        case .assign: return "\"=\""
        }
    }
}

/// The words the lexer reserves (matched case-insensitively), besides operators and aggregators.
enum Keyword: String, Sendable {
    case by, without, on, ignoring, bool, offset
    case groupLeft = "group_left"
    case groupRight = "group_right"
}

extension Token {
    /// Whether the token can serve as a metric name (Prometheus's `metric_identifier`).
    var isMetricIdentifier: Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator: true
        case .keyword(let k): k == .by || k == .without || k == .offset
        case .op(let op): op == .and || op == .or || op == .unless
        default: false
        }
    }

    /// Whether the token can serve as a label name in a grouping list (Prometheus's `maybe_label`).
    var isMaybeLabel: Bool {
        switch kind {
        case .identifier, .metricIdentifier, .aggregator, .keyword: true
        case .op(let op): op == .and || op == .or || op == .unless || op == .atan2
        default: false
        }
    }

    /// The word as written, for keywords used as names.
    var word: String { text }
}
