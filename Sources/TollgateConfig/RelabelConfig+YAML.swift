// Tollgate — TollgateConfig: `relabel_configs` entries.

import Relabel
import Yams

extension NodeReader {
    /// A list of relabeling rules in prometheus.yml's form.
    func relabelConfigs(_ node: Node, field: String) throws(ConfigError) -> [RelabelConfig] {
        var rules: [RelabelConfig] = []
        for (index, item) in try sequence(node, field: field).enumerated() {
            if case let rule?? = attempt({ () throws(ConfigError) in try relabelConfig(item, field: "\(field)[\(index)]") }) { rules.append(rule) }
        }
        return rules
    }

    /// One rule; nil when one of its fields had a problem (already recorded).
    private func relabelConfig(_ node: Node, field: String) throws(ConfigError) -> RelabelConfig? {
        let before = problemCount
        var sourceLabels: [String] = []
        var separator = ";", regex = "(.*)", targetLabel = "", replacement = "$1"
        var modulus: UInt64 = 0
        var action = RelabelConfig.Action.replace
        try fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "source_labels": sourceLabels = try strings(value, field: path)
            case "separator": separator = try string(value, field: path)
            case "regex": regex = try string(value, field: path)
            case "modulus": modulus = UInt64(try count(value, field: path))
            case "target_label": targetLabel = try string(value, field: path)
            case "replacement": replacement = try string(value, field: path)
            case "action":
                let name = try string(value, field: path)
                guard let parsed = RelabelConfig.Action(rawValue: name.lowercased()) else {
                    throw error(value, field: path, "unknown relabel action \"\(name)\"")
                }
                action = parsed
            default: return false
            }
            return true
        }
        guard problemCount == before else { return nil }
        do {
            return try RelabelConfig(
                sourceLabels: sourceLabels, separator: separator, regex: regex, modulus: modulus,
                targetLabel: targetLabel, replacement: replacement, action: action)
        } catch {
            throw self.error(node, field: field, error.description)
        }
    }
}
