// Tollgate — the import endpoint's side in the server: parse, then commit through the store's appender.

import Dispatch
import Exposition
import HTTPAPI
import Model
import Storage

/// Imports an OpenMetrics body into the running server's store through its own appender,
/// so an import is one more commit beside the scrapes' (the store's one commit path:
/// out-of-order and duplicate samples are rejected and counted, as for a scrape).
///
/// Parsing runs on a serial queue of its own, off Swift's cooperative pool (a body can be
/// megabytes), and imports take their turn one at a time.
struct StoreImporter: SampleImporter {
    let storage: any Appendable
    private let queue = DispatchQueue(label: "tollgate.import")

    /// An importer into `storage`.
    init(storage: any Appendable) { self.storage = storage }

    func importOpenMetrics(_ text: [UInt8]) async throws -> ImportSummary {
        let (samples, noTimestamp) = try await parse(text)
        var appender = storage.appender()
        for (labels, t, v) in samples { appender.append(labels, t: t, v: v) }
        let result = try await appender.commit()
        return ImportSummary(commit: result, noTimestamp: noTimestamp)
    }

    /// Every timestamped sample of `text`, in order, and how many had no timestamp.
    /// - Throws: ``ImportRejection`` with the parser's message.
    private func parse(_ text: [UInt8]) async throws -> ([(Labels, Int64, Double)], Int) {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result { () throws(ImportRejection) -> ([(Labels, Int64, Double)], Int) in
                        var reader = BackfillReader(text: text)
                        var samples: [(Labels, Int64, Double)] = []
                        do {
                            _ = try reader.read(upTo: .max) { samples.append(($0, $1, $2)) }
                        } catch {
                            throw ImportRejection("\(error); nothing from this request was stored")
                        }
                        return (samples, reader.missingTimestamp)
                    })
            }
        }
    }
}
