// Tollgate — RuleTesting: input series, appended up to each evaluation tick (promqltest's LazyLoader).

import Model
import PromQL
import Storage
import TollgateConfig

/// The input series of a test group, appended to the store as the evaluation reaches
/// them: before the rules run at a tick, every sample at or before it is appended, as
/// promtool's lazy loader does (so an expression test between two ticks sees only the
/// samples up to the last tick).
struct InputLoader {
    /// Each series with its samples still to append, in time order.
    private var pending: [(labels: Labels, samples: ArraySlice<(Int64, Double)>)]

    /// Parses the input series; sample i of a series is at `start + i * interval`.
    /// - Throws: ``InputSeriesError`` naming the series that does not parse.
    init(_ series: [InputSeries], start: Int64, interval: Int64) throws(InputSeriesError) {
        var byLabels: [Labels: Int] = [:]
        var pending: [(labels: Labels, samples: ArraySlice<(Int64, Double)>)] = []
        for entry in series {
            let description: SeriesDescription
            do {
                description = try SeriesDescription.parse(entry.series + " " + entry.values)
            } catch {
                throw InputSeriesError(description: "error in input series \(entry.series) \(entry.values): \(error.message)")
            }
            var samples: [(Int64, Double)] = []
            for (index, value) in description.values.enumerated() {
                if let value { samples.append((start + Int64(index) * interval, value)) }
            }
            // A series given twice keeps its last values, as a load command does.
            if let index = byLabels[description.labels] {
                pending[index].samples = samples[...]
            } else {
                byLabels[description.labels] = pending.count
                pending.append((description.labels, samples[...]))
            }
        }
        self.pending = pending
    }

    /// Appends every sample at or before `time` not yet appended, in one commit.
    mutating func append(till time: Int64, to store: any Appendable) async throws {
        var appender = store.appender()
        for index in pending.indices {
            while let (t, v) = pending[index].samples.first, t <= time {
                appender.append(pending[index].labels, t: t, v: v)
                pending[index].samples = pending[index].samples.dropFirst()
            }
        }
        _ = try await appender.commit()
    }
}

/// An input series that does not parse.
struct InputSeriesError: Error, CustomStringConvertible {
    var description: String
}
