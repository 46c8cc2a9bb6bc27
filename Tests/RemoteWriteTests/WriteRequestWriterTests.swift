// Tollgate — RemoteWrite: requests written field by field are protobuf's own bytes; shard progress.

import Model
import SwiftProtobuf
import Testing

@testable import RemoteWrite

struct WriteRequestWriterTests {
    /// The same series and samples through swift-protobuf's generated code: the same bytes
    /// (non-default values, which protobuf would otherwise leave out), and the same message
    /// decoded back, negative and large timestamps, NaN payloads and UTF-8 included.
    @Test func writtenBytesAreWhatSwiftProtobufSerializes() throws {
        let series: [(Labels, [(Int64, Double)])] = [
            (Labels(["__name__": "up", "job": "node", "instance": "a:9100"]), [(1_700_000_000_000, 1), (1_700_000_015_000, 0.5)]),
            (Labels(["__name__": "temp", "room": "küche"]), [(-5, -2.25), (Int64.max, Double(bitPattern: 0x7FF0_0000_0000_0002))]),
            (Labels(["__name__": String(repeating: "long_name_", count: 20)]), [(1, 1e300)]),
        ]
        var writer = WriteRequestWriter()
        for (labels, samples) in series {
            writer.appendSeries(labelFields: WriteRequestWriter.labelFields(labels), timestamps: samples.map(\.0), values: samples.map(\.1))
        }
        let request = ReceiverTests.request(series.map { labels, samples in (labels.map { ($0.name, $0.value) }, samples) })
        #expect(writer.bytes == (try request.serializedBytes() as [UInt8]))
        let decoded = try Prometheus_WriteRequest(serializedBytes: writer.bytes)
        #expect(decoded.timeseries.count == 3)
        #expect(decoded.timeseries[1].samples.last?.value.bitPattern == 0x7FF0_0000_0000_0002)
        #expect(decoded.timeseries[1].labels.last?.value == "küche")
    }

    /// One `TimeSeries` per sample, as the sender writes them: swift-protobuf's bytes too.
    @Test func oneSeriesPerSampleIsWhatSwiftProtobufSerializes() throws {
        let labels = Labels(["__name__": "up", "job": "node"])
        var writer = WriteRequestWriter()
        let samples: [(Int64, Double)] = [(1_700_000_000_000, 1.0), (-1, -0.5), (Int64.min, 3e-300)]
        for (t, v) in samples { writer.appendSample(labelFields: WriteRequestWriter.labelFields(labels), t: t, v: v) }
        let request = ReceiverTests.request(samples.map { (labels.map { ($0.name, $0.value) }, [$0]) })
        #expect(writer.bytes == (try request.serializedBytes() as [UInt8]))
    }

    /// A zero value and a zero timestamp are written anyway (protobuf leaves defaults out):
    /// still a valid request, read back the same.
    @Test func defaultValuesAreReadBack() throws {
        var writer = WriteRequestWriter()
        writer.appendSeries(labelFields: WriteRequestWriter.labelFields(Labels(["__name__": "z"])), timestamps: [0], values: [0])
        let samples = try WriteRequestCodec.decodeProtobuf(writer.bytes)
        #expect(samples == [RemoteSample(labels: Labels(["__name__": "z"]), t: 0, v: 0)])
    }

    /// Shards finish out of order: the position waits for the slowest step, then jumps.
    @Test func progressMovesAsFarAsEveryShardHasFinished() {
        let progress = QueueProgress(position: 10)
        let first = progress.begin(through: 12, count: 4)
        let second = progress.begin(through: 15, count: 2)
        let empty = progress.begin(through: 16, count: 0)  // everything relabeled away
        #expect(progress.position == 10 && progress.unsent == 6)
        progress.finish([(second, 2)])
        #expect(progress.position == 10, "the first step is not finished")
        progress.finish([(first, 3)])
        #expect(progress.position == 10)
        progress.finish([(first, 1)])
        #expect(progress.position == 16 && progress.unsent == 0, "both steps and the empty one after them")
        _ = empty
        #expect(progress.begin(through: 17, count: 0) >= 0 && progress.position == 17)
    }
}
