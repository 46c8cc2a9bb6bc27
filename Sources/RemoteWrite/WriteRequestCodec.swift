// Tollgate — RemoteWrite: remote write 1.0 bodies, to and from samples.

public import Model
import SwiftProtobuf

/// Why a remote-write body was refused (the 400's text).
public struct RemoteWriteRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// A rejection with its message.
    public init(_ description: String) { self.description = description }
}

/// One sample with its series, as a remote-write request carries it.
public struct RemoteSample: Sendable, Equatable {
    /// The series.
    public var labels: Labels
    /// Milliseconds since the epoch.
    public var t: Int64
    /// The value, every bit kept (stale markers are a NaN payload).
    public var v: Double

    /// A sample.
    public init(labels: Labels, t: Int64, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }
}

/// Remote write 1.0 bodies: a `prometheus.WriteRequest`, serialized, snappy block-compressed.
public enum WriteRequestCodec {
    /// The header values a sender sets (Prometheus's).
    public static let headers: [(name: String, value: String)] = [
        ("Content-Encoding", "snappy"), ("Content-Type", "application/x-protobuf"),
        ("X-Prometheus-Remote-Write-Version", "0.1.0"),
    ]

    /// The samples of a compressed body, in the order the body has them, every series checked.
    /// - Parameter maxDecodedBytes: the largest decompressed body accepted.
    /// - Throws: ``RemoteWriteRejection`` naming what is wrong; nothing of the body is returned then.
    public static func decode(_ body: [UInt8], maxDecodedBytes: Int) throws(RemoteWriteRejection) -> [RemoteSample] {
        let raw: [UInt8]
        do {
            raw = try Snappy.decompress(body, limit: maxDecodedBytes)
        } catch {
            throw RemoteWriteRejection("\(error)")
        }
        return try decodeProtobuf(raw)
    }

    /// The samples of an uncompressed, serialized `WriteRequest`.
    /// - Throws: ``RemoteWriteRejection``.
    public static func decodeProtobuf(_ raw: [UInt8]) throws(RemoteWriteRejection) -> [RemoteSample] {
        let request: Prometheus_WriteRequest
        do {
            request = try Prometheus_WriteRequest(serializedBytes: raw)
        } catch {
            throw RemoteWriteRejection("cannot decode the protobuf WriteRequest: \(error)")
        }
        var samples: [RemoteSample] = []
        samples.reserveCapacity(request.timeseries.reduce(0) { $0 + $1.samples.count })
        for (index, series) in request.timeseries.enumerated() {
            let labels = try labels(of: series, index: index)
            for sample in series.samples { samples.append(RemoteSample(labels: labels, t: sample.timestamp, v: sample.value)) }
        }
        return samples
    }

    /// A series' label set, checked as Prometheus checks a scraped one: a metric name,
    /// valid and unique label names, UTF-8 values.
    private static func labels(of series: Prometheus_TimeSeries, index: Int) throws(RemoteWriteRejection) -> Labels {
        var list: [Label] = []
        list.reserveCapacity(series.labels.count)
        for label in series.labels {
            guard isValidLabelName(label.name) else {
                throw RemoteWriteRejection("timeseries[\(index)]: invalid label name \(GoString.quote(label.name))")
            }
            // Empty values mean "no label", as in Prometheus.
            if !label.value.isEmpty { list.append(Label(label.name, label.value)) }
        }
        let labels = Labels(sorting: list)
        if let name = labels.duplicateName {
            throw RemoteWriteRejection("timeseries[\(index)]: duplicate label name \(GoString.quote(name)) in \(labels)")
        }
        guard let name = labels.metricName, !name.isEmpty else {
            throw RemoteWriteRejection("timeseries[\(index)]: series without a metric name (__name__): \(labels)")
        }
        return labels
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isValidLabelName(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
            let digit = byte >= 0x30 && byte <= 0x39
            guard letter || (!first && digit) else { return false }
            first = false
        }
        return !first
    }

    /// Samples as one serialized, uncompressed `WriteRequest`: consecutive samples of the
    /// same series share one `TimeSeries`. Serialized requests concatenate into one request
    /// (protobuf merges repeated fields), so queued batches are sent without decoding.
    public static func encodeProtobuf(_ samples: some Sequence<RemoteSample>) -> [UInt8] {
        var request = Prometheus_WriteRequest()
        var current: Prometheus_TimeSeries?
        var currentLabels: Labels?
        for sample in samples {
            if sample.labels != currentLabels {
                if let current { request.timeseries.append(current) }
                var series = Prometheus_TimeSeries()
                series.labels = sample.labels.map { label in
                    var proto = Prometheus_Label()
                    proto.name = label.name
                    proto.value = label.value
                    return proto
                }
                current = series
                currentLabels = sample.labels
            }
            var proto = Prometheus_Sample()
            proto.timestamp = sample.t
            proto.value = sample.v
            current?.samples.append(proto)
        }
        if let current { request.timeseries.append(current) }
        // Serializing a message without required fields cannot fail.
        return (try? request.serializedBytes()) ?? []
    }

    /// Samples as a compressed body, ready to send.
    public static func encode(_ samples: some Sequence<RemoteSample>) -> [UInt8] {
        Snappy.compress(encodeProtobuf(samples))
    }
}
