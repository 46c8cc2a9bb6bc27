// Tollgate — Exposition: the HELP, TYPE and UNIT of each family in a body.

public import Model

/// What the metadata lines of a body say about each metric family, as
/// `/api/v1/metadata` and `/api/v1/targets/metadata` report it.
///
/// ```swift
/// var metadata = ExpositionMetadata()
/// while let entry = try parser.next() { metadata.record(entry, from: parser) }
/// metadata["http_requests_total"]?.help
/// ```
/// Later lines for the same family overwrite earlier ones, as in Prometheus.
public struct ExpositionMetadata: Sendable, Equatable {
    /// One family's metadata.
    public struct Family: Sendable, Equatable {
        /// The family type (`unknown` when no TYPE line named it).
        public var type: MetricType = .unknown
        /// The HELP text, unescaped.
        public var help: String = ""
        /// The OpenMetrics unit.
        public var unit: String = ""
    }

    /// Family name → metadata, for every family a HELP, TYPE or UNIT line named.
    public private(set) var families: [String: Family] = [:]

    /// Creates an empty collection.
    public init() {}

    /// The metadata of one family.
    public subscript(family: String) -> Family? { families[family] }

    /// Records a metadata entry; other entries are ignored.
    /// - Parameters:
    ///   - entry: what ``ExpositionParser/next()`` returned.
    ///   - parser: the parser, still positioned on that entry.
    public mutating func record(_ entry: ExpositionParser.Entry, from parser: ExpositionParser) {
        switch entry {
        case .help: families[parser.metadataName, default: Family()].help = parser.helpText
        case .type: families[parser.metadataName, default: Family()].type = parser.metricType
        case .unit: families[parser.metadataName, default: Family()].unit = parser.unitText
        case .comment, .sample: break
        }
    }
}
