// Tollgate — PromQL: the label set of a series description (`name{l="v",…}`).

public import Model

extension SeriesDescription {
    /// Parses a label set alone: `name`, `name{…}` or `{…}`, quoted names and values, a
    /// trailing comma (Prometheus's `parser.ParseMetric`, as promtool reads `exp_samples`).
    /// - Throws: ``SeriesDescriptionError`` when it is malformed or followed by more text.
    public static func parseLabels(_ text: String) throws(SeriesDescriptionError) -> Labels {
        var scanner = Array(text.unicodeScalars)[...]
        let labels = try parseLabels(&scanner)
        while let c = scanner.first, c == " " || c == "\t" { scanner = scanner.dropFirst() }
        guard scanner.isEmpty else {
            throw SeriesDescriptionError(message: "unexpected text after the label set: \"\(String(String.UnicodeScalarView(scanner)))\"")
        }
        return labels
    }

    /// Parses the label set at the start of `s` and leaves `s` after it.
    /// - Throws: ``SeriesDescriptionError`` when it is malformed.
    public static func parseLabels(_ s: inout ArraySlice<Unicode.Scalar>) throws(SeriesDescriptionError) -> Labels {
        skipSpaces(&s)
        var labels: [Label] = []
        let name = identifier(&s)
        if !name.isEmpty { labels.append(Label(metricNameLabel, name)) }
        guard s.first == "{" else { return Labels(sorting: labels) }
        s = s.dropFirst()
        while true {
            skipSpaces(&s)
            guard let first = s.first else { throw SeriesDescriptionError(message: "unclosed label set") }
            if first == "}" {
                s = s.dropFirst()
                break
            }
            var labelName: String
            if first == "\"" || first == "'" || first == "`" {
                labelName = try quoted(&s)
                skipSpaces(&s)
                if s.first == "," || s.first == "}" {
                    labels.append(Label(metricNameLabel, labelName))
                    if s.first == "," { s = s.dropFirst() }
                    continue
                }
            } else {
                labelName = identifier(&s)
                guard !labelName.isEmpty else { throw SeriesDescriptionError(message: "unexpected \"\(first)\" in label set") }
            }
            skipSpaces(&s)
            guard s.first == "=" else { throw SeriesDescriptionError(message: "expected = after label \(labelName)") }
            s = s.dropFirst()
            skipSpaces(&s)
            labels.append(Label(labelName, try quoted(&s)))
            skipSpaces(&s)
            if s.first == "," { s = s.dropFirst() }
        }
        return Labels(sorting: labels)
    }

    private static func skipSpaces(_ s: inout ArraySlice<Unicode.Scalar>) {
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
    }

    private static func identifier(_ s: inout ArraySlice<Unicode.Scalar>) -> String {
        var name = ""
        while let c = s.first, c == "_" || c == ":" || c.properties.isAlphabetic || ("0"..."9").contains(c) {
            name.unicodeScalars.append(c)
            s = s.dropFirst()
        }
        return name
    }

    private static func quoted(_ s: inout ArraySlice<Unicode.Scalar>) throws(SeriesDescriptionError) -> String {
        guard let q = s.first else { throw SeriesDescriptionError(message: "expected a string") }
        var text = String(q)
        s = s.dropFirst()
        var escaped = false
        while let c = s.first {
            s = s.dropFirst()
            text.unicodeScalars.append(c)
            if escaped {
                escaped = false
                continue
            }
            if c == "\\" && q != "`" {
                escaped = true
                continue
            }
            if c == q { break }
        }
        guard let value = unquote(text) else { throw SeriesDescriptionError(message: "bad string \(text)") }
        return value
    }
}
