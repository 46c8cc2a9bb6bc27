// Tollgate — RemoteWrite: snappy, the WriteRequest codec and the receiver, on hand-built requests.

import Foundation
import Logging
import Model
import RemoteWrite
import Storage
import SwiftProtobuf
import TSDB
import TestSupport
import Testing

final class ReceiverTests: Sendable {
    let scratch = TemporaryDirectories()

    /// A hand-built `WriteRequest` body: each series' labels as given (unsorted allowed) with its samples.
    static func body(_ series: [([(String, String)], [(Int64, Double)])]) throws -> [UInt8] {
        let bytes: [UInt8] = try request(series).serializedBytes()
        return Snappy.compress(bytes)
    }

    /// A `WriteRequest` built through swift-protobuf's generated code, one `TimeSeries` per entry.
    static func request(_ series: [([(String, String)], [(Int64, Double)])]) -> Prometheus_WriteRequest {
        var request = Prometheus_WriteRequest()
        for (labels, samples) in series {
            var proto = Prometheus_TimeSeries()
            proto.labels = labels.map { name, value in
                var label = Prometheus_Label()
                label.name = name
                label.value = value
                return label
            }
            proto.samples = samples.map { t, v in
                var sample = Prometheus_Sample()
                sample.timestamp = t
                sample.value = v
                return sample
            }
            request.timeseries.append(proto)
        }
        return request
    }

    func open() async throws -> TSDB {
        try await TSDB.open(directory: try scratch.make("receiver").path, logger: Logger(label: "test"))
    }

    func stored(_ tsdb: TSDB, _ name: String) async throws -> [SeriesSamples] {
        try await tsdb.select([try LabelMatcher(.equal, "__name__", name)], minTime: .min, maxTime: .max)
    }

    @Test func snappyRoundTripsAndRefusesGarbage() throws {
        for input in [[], [UInt8](repeating: 7, count: 100_000), Array("remote write".utf8)] {
            #expect(try Snappy.decompress(Snappy.compress(input)) == input)
        }
        #expect(throws: Snappy.Failure.corrupt) { try Snappy.decompress([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }
        #expect(throws: Snappy.Failure.corrupt) { try Snappy.decompress([]) }
        // A block that claims 100,000 bytes is refused under a smaller limit before any allocation.
        let big = Snappy.compress([UInt8](repeating: 1, count: 100_000))
        #expect(throws: Snappy.Failure.tooLarge(length: 100_000, limit: 1_000)) { try Snappy.decompress(big, limit: 1_000) }
    }

    @Test func codecRoundTripsSamplesWithEveryBitOfTheValue() throws {
        let stale = Double(bitPattern: 0x7FF0_0000_0000_0002)
        let a = Labels(["__name__": "up", "job": "a"]), b = Labels(["__name__": "up", "job": "b"])
        let samples = [
            RemoteSample(labels: a, t: 1_000, v: 1), RemoteSample(labels: a, t: 2_000, v: stale),
            RemoteSample(labels: b, t: 1_000, v: -0.5),
        ]
        let decoded = try WriteRequestCodec.decode(WriteRequestCodec.encode(samples), maxDecodedBytes: 1 << 20)
        #expect(decoded.map(\.labels) == samples.map(\.labels) && decoded.map(\.t) == samples.map(\.t))
        #expect(decoded.map(\.v.bitPattern) == samples.map(\.v.bitPattern))
        // Serialized requests concatenate into one request, as the sender's queue relies on.
        let joined = WriteRequestCodec.encodeProtobuf(samples.prefix(1)) + WriteRequestCodec.encodeProtobuf(samples.dropFirst())
        #expect(try WriteRequestCodec.decodeProtobuf(joined).map(\.t) == [1_000, 2_000, 1_000])
    }

    @Test func storesEverySampleThroughTheAppender() async throws {
        let tsdb = try await open()
        let receiver = RemoteWriteReceiver(storage: tsdb, maxDecodedBytes: 1 << 20)
        // Labels arrive in any order and are sorted; empty values mean "no label".
        let body = try Self.body([
            ([("job", "a"), ("__name__", "rw_test"), ("empty", "")], [(1_000, 1), (2_000, 2), (3_000, 3)]),
            ([("__name__", "rw_test"), ("job", "b")], [(1_000, 10)]),
        ])
        let outcome = try await receiver.write(body)
        #expect(outcome == .stored(CommitResult(appended: 4, newSeries: 2)))
        let series = try await stored(tsdb, "rw_test")
        #expect(series.map(\.labels) == [Labels(["__name__": "rw_test", "job": "a"]), Labels(["__name__": "rw_test", "job": "b"])])
        #expect(series[0].timestamps == [1_000, 2_000, 3_000] && series[0].values == [1, 2, 3])
        // The same request again (a sender's retry after a lost answer) stores nothing twice:
        // each series' newest sample is the same and ignored, the older ones are out of order
        // now and counted, so the answer is a 400 and the sender drops the request.
        let again = try await receiver.write(body)
        guard case .partlyRejected(let result, _) = again else {
            Issue.record("expected a partial refusal, got \(again)")
            return
        }
        #expect(result.appended == 0 && result.outOfOrder == 2 && result.duplicate == 0)
        #expect(try await stored(tsdb, "rw_test")[0].timestamps.count == 3)
    }

    @Test func badSnappyBadProtobufAndBadLabelsStoreNothing() async throws {
        let tsdb = try await open()
        let receiver = RemoteWriteReceiver(storage: tsdb, maxDecodedBytes: 1 << 20)
        guard case .rejected(let snappy) = try await receiver.write(Array("not snappy at all".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) else {
            Issue.record("bad snappy was not refused")
            return
        }
        #expect(snappy.contains("snappy"))
        // Valid snappy around bytes that are not a WriteRequest (a truncated field).
        guard case .rejected(let protobuf) = try await receiver.write(Snappy.compress([0x0A, 0x50, 0x01])) else {
            Issue.record("bad protobuf was not refused")
            return
        }
        #expect(protobuf.contains("protobuf"))
        // One bad series refuses the whole request: the good one before it is not stored either.
        let mixed = try Self.body([
            ([("__name__", "rw_good")], [(1_000, 1)]),
            ([("job", "no-name")], [(1_000, 1)]),
        ])
        guard case .rejected(let labels) = try await receiver.write(mixed) else {
            Issue.record("a series without a name was not refused")
            return
        }
        #expect(labels.contains("timeseries[1]") && labels.contains("metric name"))
        let invalid = try Self.body([([("__name__", "x"), ("bad-name", "v")], [(1_000, 1)])])
        guard case .rejected(let name) = try await receiver.write(invalid) else {
            Issue.record("an invalid label name was not refused")
            return
        }
        #expect(name.contains("invalid label name"))
        let duplicate = try Self.body([([("__name__", "x"), ("a", "1"), ("a", "2")], [(1_000, 1)])])
        guard case .rejected = try await receiver.write(duplicate) else {
            Issue.record("a duplicate label name was not refused")
            return
        }
        #expect(try await stored(tsdb, "rw_good").isEmpty)
        // Over the decoded-size limit.
        let small = RemoteWriteReceiver(storage: tsdb, maxDecodedBytes: 16)
        guard case .rejected(let limit) = try await small.write(try Self.body([([("__name__", "rw_good"), ("long", String(repeating: "x", count: 100))], [(1, 1)])])) else {
            Issue.record("an oversized body was not refused")
            return
        }
        #expect(limit.contains("exceeds the limit"))
    }

    @Test func outOfOrderAndDuplicateSamplesAreRefusedAndTheRestKept() async throws {
        let tsdb = try await open()
        let receiver = RemoteWriteReceiver(storage: tsdb, maxDecodedBytes: 1 << 20)
        _ = try await receiver.write(try Self.body([([("__name__", "rw_ooo")], [(10_000, 1)])]))
        // 5,000 is older than the stored 10,000 (out of order), 10,000 with another value is a
        // duplicate, 20,000 is new: it is stored, and the request answered 400 with the counts.
        let outcome = try await receiver.write(try Self.body([([("__name__", "rw_ooo")], [(5_000, 2), (10_000, 3), (20_000, 4)])]))
        guard case .partlyRejected(let result, let message) = outcome else {
            Issue.record("expected a partial refusal, got \(outcome)")
            return
        }
        #expect(result.appended == 1 && result.outOfOrder == 1 && result.duplicate == 1)
        #expect(message.contains("out of order"))
        let series = try await stored(tsdb, "rw_ooo")
        #expect(series.first?.timestamps == [10_000, 20_000] && series.first?.values == [1, 4])
    }
}
