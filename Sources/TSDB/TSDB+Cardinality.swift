// Tollgate — TSDB: cardinality statistics from the postings index.

import Model
public import Storage
import Synchronization

extension TSDB {
    /// The top `limit` entries of each cardinality statistic, read from the postings index.
    /// - Complexity: O(label pairs × log(label pairs)).
    public func cardinality(limit: Int) -> TSDBCardinality {
        state.withLock { s in
            var result = TSDBCardinality()
            var byName: [TSDBCardinality.Entry] = []
            var valueCounts: [TSDBCardinality.Entry] = []
            var memory: [TSDBCardinality.Entry] = []
            var pairs: [TSDBCardinality.Entry] = []
            for (key, values) in s.postings.index {
                let name = key.string
                valueCounts.append(.init(name: name, value: values.count))
                var bytes = 0
                for (valueKey, ids) in values {
                    let value = valueKey.string
                    bytes += value.utf8.count * ids.count
                    pairs.append(.init(name: "\(name)=\(value)", value: ids.count))
                    if name == "__name__" { byName.append(.init(name: value, value: ids.count)) }
                }
                memory.append(.init(name: name, value: bytes))
                result.labelPairCount += values.count
            }
            func top(_ entries: [TSDBCardinality.Entry]) -> [TSDBCardinality.Entry] {
                Array(entries.sorted { $0.value != $1.value ? $0.value > $1.value : $0.name < $1.name }.prefix(max(0, limit)))
            }
            result.seriesCountByMetricName = top(byName)
            result.labelValueCountByLabelName = top(valueCounts)
            result.memoryInBytesByLabelName = top(memory)
            result.seriesCountByLabelValuePair = top(pairs)
            return result
        }
    }
}
