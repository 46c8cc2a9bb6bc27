// Tollgate — cutting an OpenMetrics file into requests for the import endpoint.

/// Cuts OpenMetrics text into documents of at most about `samples` sample lines each,
/// at line boundaries, each ending in `# EOF` and each a valid file on its own: a
/// document cut inside a metric family starts with that family's `# TYPE`, `# HELP`
/// and `# UNIT` lines again.
///
/// Lines are never parsed here (the server parses, and refuses what a local import would);
/// a raw newline never occurs inside an OpenMetrics line, so cutting at newlines keeps
/// every sample whole.
///
/// ```swift
/// var batches = OpenMetricsBatches(text: bytes, samples: 10_000)
/// while let (document, firstLine) = batches.next() { … }
/// ```
struct OpenMetricsBatches {
    private let text: [UInt8]
    private let samples: Int
    private var position = 0
    private var line = 1
    /// The metadata lines of the family being read, repeated at the start of the next document.
    private var metadata: [ArraySlice<UInt8>] = []
    private var family: ArraySlice<UInt8> = []
    private var sawEOF = false

    /// Batches of `text` with at most `samples` sample lines each (at least one).
    init(text: [UInt8], samples: Int) {
        self.text = text
        self.samples = max(1, samples)
    }

    /// The next document and the line of the input it starts at; nil at the end.
    mutating func next() -> (document: [UInt8], firstLine: Int)? {
        let newline = UInt8(ascii: "\n")
        var document: [UInt8] = []
        for piece in metadata { document += piece }
        let firstLine = line
        var count = 0
        while position < text.count && count < samples {
            let end = text[position...].firstIndex(of: newline).map { $0 + 1 } ?? text.count
            let current = text[position..<end]
            position = end
            line += 1
            if current.first == UInt8(ascii: "#") {
                if Self.isEOF(current) {
                    position = text.count
                    sawEOF = true
                    break
                }
                if let name = Self.metadataName(current) {
                    if name != family {
                        family = name
                        metadata = []
                    }
                    metadata.append(current)
                }
                document += current
                continue
            }
            document += current
            if current.last != newline { document.append(newline) }
            // A blank line is passed on, for the server to refuse as a local import would.
            if !current.allSatisfy({ $0 == newline }) { count += 1 }
        }
        guard count > 0 else { return nil }
        // A file without `# EOF` ends in a document without it, which the server refuses, as a local import would.
        if position < text.count || sawEOF { document += Array("# EOF\n".utf8) }
        return (document, firstLine)
    }

    /// Whether the line is `# EOF`.
    private static func isEOF(_ line: ArraySlice<UInt8>) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { trimmed.removeLast() }
        return trimmed.elementsEqual("# EOF".utf8)
    }

    /// The family name of a `# TYPE`, `# HELP` or `# UNIT` line; nil for other lines.
    private static func metadataName(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        for keyword in ["# TYPE ", "# HELP ", "# UNIT "] where line.starts(with: keyword.utf8) {
            let rest = line.dropFirst(keyword.utf8.count)
            return rest.prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }
        }
        return nil
    }
}
