// Tollgate — Probe: the gauges one probe reports.

import Exposition
import Model

/// The series of one probe, written as blackbox_exporter's registry writes them: families
/// sorted by name, each with its HELP and TYPE lines, every value a gauge.
struct ProbeMetrics: Sendable {
    private struct Family {
        var help: String
        var samples: [(labels: [(String, String)], value: Double)]
    }

    private var families: [String: Family] = [:]

    /// Sets `name` (with `labels`) to `value`, declaring the family on first use.
    mutating func set(_ name: String, _ help: String, _ value: Double, labels: [(String, String)] = []) {
        var family = families[name] ?? Family(help: help, samples: [])
        if let index = family.samples.firstIndex(where: { $0.labels.elementsEqual(labels, by: ==) }) {
            family.samples[index].value = value
        } else {
            family.samples.append((labels, value))
        }
        families[name] = family
    }

    /// The value of an unlabelled gauge, if set.
    func value(_ name: String) -> Double? {
        families[name]?.samples.first { $0.labels.isEmpty }?.value
    }

    /// The text exposition format 0.0.4.
    var text: [UInt8] {
        var writer = TextWriter()
        for name in families.keys.sorted() {
            guard let family = families[name] else { continue }
            writer.family(name, type: .gauge, help: family.help)
            let ordered = family.samples.sorted { $0.labels.lexicographicallyPrecedes($1.labels) { ($0.0, $0.1) < ($1.0, $1.1) } }
            for sample in ordered {
                let labels = Labels(sorting: [Label(metricNameLabel, name)] + sample.labels.map { Label($0.0, $0.1) })
                writer.sample(labels, value: sample.value)
            }
        }
        return writer.bytes
    }
}
