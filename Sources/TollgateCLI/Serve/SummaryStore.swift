// Tollgate — the summaries recorded through swift-metrics, written as the text format.

import Exposition
import Model
import Synchronization

/// Every summary family the ``SelfMetricsFactory`` made, by name and label set, so
/// `/metrics` can write them (swift-prometheus has no summary type).
final class SummaryStore: Sendable {
    private struct Family {
        var quantiles: [Double]
        var members: [(labels: [(String, String)], summary: SlidingSummary)] = []
    }

    private let families = Mutex<[String: Family]>([:])

    /// The summary for `name` with `labels`, made on first use.
    /// - Parameters:
    ///   - name: the family name.
    ///   - labels: the label pairs (no `quantile`).
    ///   - quantiles: the `φ` values the family reports.
    /// - Returns: the one summary for that name and label set.
    func summary(name: String, labels: [(String, String)], quantiles: [Double]) -> SlidingSummary {
        let sortedLabels = labels.sorted { $0.0 < $1.0 }
        return families.withLock { all in
            var family = all[name] ?? Family(quantiles: quantiles)
            if let member = family.members.first(where: { Self.same($0.labels, sortedLabels) }) { return member.summary }
            let summary = SlidingSummary()
            family.members.append((sortedLabels, summary))
            all[name] = family
            return summary
        }
    }

    /// Forgets a summary (swift-metrics destroyed its handler).
    func remove(_ summary: SlidingSummary) {
        families.withLock { all in
            for name in all.keys { all[name]?.members.removeAll { $0.summary === summary } }
        }
    }

    /// Writes every family, sorted by name, with its HELP text.
    /// - Parameters:
    ///   - writer: where to write.
    ///   - help: the HELP text of a family name.
    func write(into writer: inout TextWriter, help: (String) -> String) {
        let snapshot = families.withLock { $0 }
        for name in snapshot.keys.sorted() {
            guard let family = snapshot[name], !family.members.isEmpty else { continue }
            writer.family(name, type: .summary, help: help(name))
            for member in family.members {
                let (values, sum, count) = member.summary.snapshot(family.quantiles)
                var base = ["__name__": name]
                for (key, value) in member.labels { base[key] = value }
                for (q, value) in zip(family.quantiles, values) {
                    var labels = base
                    labels["quantile"] = GoFloat.formatG(q)
                    writer.sample(Labels(labels), value: value)
                }
                base["__name__"] = name + "_sum"
                writer.sample(Labels(base), value: sum)
                base["__name__"] = name + "_count"
                writer.sample(Labels(base), value: Double(count))
            }
        }
    }

    private static func same(_ a: [(String, String)], _ b: [(String, String)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
