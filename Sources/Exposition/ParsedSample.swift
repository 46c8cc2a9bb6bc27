// Tollgate — Exposition: whole-body parsing for tools and tests.

public import Model

/// One sample of a parsed body.
public struct ParsedSample: Sendable, Hashable {
    /// The series, as a scrape would store it.
    public var labels: Labels
    /// The value.
    public var value: Double
    /// The line's own timestamp in milliseconds, if it had one.
    public var timestamp: Int64?
    /// The OpenMetrics exemplar, if any.
    public var exemplar: Exemplar?
}

extension ExpositionParser {
    /// Parses a whole body the way a scrape would, keeping every sample in order.
    ///
    /// This builds a label set per line; the scrape path uses ``next()`` and a
    /// series cache instead.
    /// - Parameters:
    ///   - bytes: the body.
    ///   - format: the grammar.
    /// - Returns: the samples in exposition order.
    /// - Throws: ``ExpositionError`` when the body would fail a scrape.
    public static func samples(in bytes: [UInt8], format: ExpositionFormat) throws(ExpositionError) -> [ParsedSample] {
        var parser = ExpositionParser(bytes: bytes, format: format)
        var samples: [ParsedSample] = []
        while let entry = try parser.next() {
            guard entry == .sample else { continue }
            samples.append(ParsedSample(labels: try parser.labels(), value: parser.value, timestamp: parser.timestamp, exemplar: parser.exemplar()))
        }
        return samples
    }
}
