// Tollgate — cutting backfill files into requests, and what the lock file says.

import Exposition
import Testing

@testable import TollgateCLI

struct OpenMetricsBatchesTests {
    static let file = """
        # TYPE a counter
        # HELP a An a.
        a_total 1 1
        a_total 2 2
        a_total 3 3
        # TYPE b gauge
        b{x="1"} 5 1
        b{x="1"} 6 2
        # EOF

        """

    @Test(arguments: [1, 2, 3, 100])
    func everyBatchIsAValidDocumentAndTogetherTheyHoldEverySample(size: Int) throws {
        var batches = OpenMetricsBatches(text: Array(Self.file.utf8), samples: size)
        var samples: [String] = []
        var firstLines: [Int] = []
        while let (document, firstLine) = batches.next() {
            firstLines.append(firstLine)
            let parsed = try ExpositionParser.samples(in: document, format: .openMetrics)
            #expect(parsed.count <= size)
            samples += parsed.map { "\($0.labels) \($0.value) \($0.timestamp.map(String.init) ?? "-")" }
        }
        let whole = try ExpositionParser.samples(in: Array(Self.file.utf8), format: .openMetrics)
        #expect(samples == whole.map { "\($0.labels) \($0.value) \($0.timestamp.map(String.init) ?? "-")" })
        #expect(firstLines.first == 1)
        #expect(firstLines.count == (5 + size - 1) / size)
    }

    @Test func aBatchCutInsideAFamilyRepeatsItsMetadata() {
        var batches = OpenMetricsBatches(text: Array(Self.file.utf8), samples: 2)
        _ = batches.next()
        let second = batches.next().map { String(decoding: $0.document, as: UTF8.self) }
        #expect(second == "# TYPE a counter\n# HELP a An a.\na_total 3 3\n# TYPE b gauge\nb{x=\"1\"} 5 1\n# EOF\n")
    }

    @Test func aFileWithoutEOFEndsInADocumentWithoutIt() {
        var batches = OpenMetricsBatches(text: Array("a 1 1\na 2 2\n".utf8), samples: 1)
        #expect(batches.next().map { String(decoding: $0.document, as: UTF8.self) } == "a 1 1\n# EOF\n")
        #expect(batches.next().map { String(decoding: $0.document, as: UTF8.self) } == "a 2 2\n")
        #expect(batches.next() == nil)
    }

    @Test func theLockFileNamesALiveHolder() {
        let holder = DataDirectoryLock.Holder(text: "1234\ntollgate serve\n127.0.0.1:9090\n")
        #expect(holder == DataDirectoryLock.Holder(pid: 1234, command: "tollgate serve", address: "127.0.0.1:9090"))
        #expect(DataDirectoryLock.Holder(text: "") == nil)
        // Files written before the command was recorded hold only the pid.
        #expect(DataDirectoryLock.Holder(text: "99\n")?.command == "another process")
        let message = DataDirectoryLock.refusal(path: "data", holder: holder, mode: .shared)
        #expect(message == "data directory data is in use by tollgate serve (pid 1234); ask the running server instead: curl http://127.0.0.1:9090/api/v1/status/tsdb")
    }
}
