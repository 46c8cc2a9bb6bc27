// Tollgate — RemoteWrite: metric metadata, sent every `metadata_config.send_interval`.

import SwiftProtobuf

/// One metric family's metadata as a scrape target exposed it.
public struct RemoteMetadata: Sendable, Hashable {
    /// The family name.
    public var family: String
    /// `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset` or `unknown`.
    public var type: String
    /// The HELP text.
    public var help: String
    /// The UNIT.
    public var unit: String

    /// Metadata of one family.
    public init(family: String, type: String, help: String, unit: String) {
        self.family = family
        self.type = type
        self.help = help
        self.unit = unit
    }

    /// Serialized `WriteRequest`s carrying only metadata, at most `perRequest` families each,
    /// one entry per family (the first seen), in name order.
    static func requests(_ metadata: [RemoteMetadata], perRequest: Int) -> [(bytes: [UInt8], count: Int)] {
        var seen = Set<String>()
        let unique = metadata.filter { seen.insert($0.family).inserted }.sorted { $0.family < $1.family }
        var result: [(bytes: [UInt8], count: Int)] = []
        var start = 0
        while start < unique.count {
            let slice = unique[start..<min(start + max(1, perRequest), unique.count)]
            var request = Prometheus_WriteRequest()
            request.metadata = slice.map { entry in
                var proto = Prometheus_MetricMetadata()
                proto.metricFamilyName = entry.family
                proto.type = Self.protoType(entry.type)
                proto.help = entry.help
                proto.unit = entry.unit
                return proto
            }
            result.append(((try? request.serializedBytes()) ?? [], slice.count))
            start += slice.count
        }
        return result
    }

    static func protoType(_ type: String) -> Prometheus_MetricMetadata.MetricType {
        switch type {
        case "counter": .counter
        case "gauge": .gauge
        case "histogram": .histogram
        case "gaugehistogram": .gaugehistogram
        case "summary": .summary
        case "info": .info
        case "stateset": .stateset
        default: .unknown
        }
    }
}
