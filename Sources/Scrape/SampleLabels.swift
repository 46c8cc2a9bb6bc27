// Tollgate — Scrape: the labels a scraped sample is stored with.

import Model
import Relabel
import TollgateConfig

/// Prometheus's `mutateSampleLabels` and label limits.
enum SampleLabels {
    /// Adds the target's labels to a scraped series, then applies metric relabeling.
    ///
    /// With `honor` the scraped labels win. Without it the target's labels win and a
    /// clashing scraped label is kept as `exported_<name>` (more `exported_` prefixes
    /// until the name is free), shortest names first.
    /// - Returns: the labels to store, or nil when relabeling drops the series.
    static func mutate(_ scraped: Labels, target: Labels, honor: Bool, rules: [RelabelConfig]) -> Labels? {
        var builder = LabelsBuilder(scraped)
        if honor {
            for label in target where (scraped[label.name] ?? "").isEmpty { builder[label.name] = label.value }
        } else {
            var conflicts: [Label] = []
            for label in target {
                if let existing = scraped[label.name], !existing.isEmpty { conflicts.append(Label(label.name, existing)) }
                builder[label.name] = label.value
            }
            // A stable sort by name length, as Prometheus resolves them.
            let ordered = conflicts.enumerated().sorted { ($0.element.name.count, $0.offset) < ($1.element.name.count, $1.offset) }
            for (_, label) in ordered {
                var name = label.name
                while true {
                    name = "exported_" + name
                    if builder[name] == nil {
                        builder[name] = label.value
                        break
                    }
                }
            }
        }
        for rule in rules where !rule.apply(to: &builder) { return nil }
        let labels = builder.labels
        return labels.isEmpty ? nil : labels
    }

    /// The labels of a synthetic series (`up`, …): the target's labels win, as for scraped ones.
    static func report(_ name: String, target: Labels) -> Labels {
        var builder = LabelsBuilder(target)
        builder[metricNameLabel] = name
        return builder.labels
    }

    /// Fails the scrape when a series breaks `label_limit` or a length limit.
    static func checkLimits(_ labels: Labels, _ limits: ScrapeLimits) throws(ScrapeError) {
        let metric = String((labels.metricName ?? "").prefix(50))
        if limits.labelLimit > 0 && labels.count > limits.labelLimit {
            throw ScrapeError("label_limit exceeded (metric: \(metric), number of labels: \(labels.count), limit: \(limits.labelLimit))")
        }
        guard limits.labelNameLengthLimit > 0 || limits.labelValueLengthLimit > 0 else { return }
        for label in labels {
            let nameLength = label.name.utf8.count, valueLength = label.value.utf8.count
            if limits.labelNameLengthLimit > 0 && nameLength > limits.labelNameLengthLimit {
                throw ScrapeError(
                    "label_name_length_limit exceeded (metric: \(metric), label name: \(label.name.prefix(50)), length: \(nameLength), limit: \(limits.labelNameLengthLimit))")
            }
            if limits.labelValueLengthLimit > 0 && valueLength > limits.labelValueLengthLimit {
                throw ScrapeError(
                    "label_value_length_limit exceeded (metric: \(metric), label name: \(label.name.prefix(50)), value: \"\(label.value.prefix(50))\", length: \(valueLength), limit: \(limits.labelValueLengthLimit))")
            }
        }
    }
}
