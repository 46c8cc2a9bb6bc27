// Tollgate — Relabel: one relabeling rule, as `relabel_configs` writes it.

public import Model

/// One relabeling step with Prometheus's semantics (`model/relabel`): source label
/// values joined by `separator`, matched against a fully anchored `regex`, and an
/// `action` that rewrites, keeps or drops.
///
/// ```swift
/// let rule = try RelabelConfig(sourceLabels: ["__address__"], regex: "(.*):\\d+", targetLabel: "host")
/// let result = rule.apply(to: labels)   // nil: dropped
/// ```
public struct RelabelConfig: Sendable, Equatable {
    /// What a rule does.
    public enum Action: String, Sendable, CaseIterable {
        case replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase
    }

    /// Labels whose values are joined to form the input.
    public var sourceLabels: [String]
    /// Joins the source values (`;`).
    public var separator: String
    /// The regular expression, as written (`(.*)`).
    public let regex: String
    /// For `hashmod`.
    public var modulus: UInt64
    /// The label written by `replace`, `hashmod`, `lowercase`, `uppercase`; compared by the `*equal` actions.
    public var targetLabel: String
    /// The replacement template with `$1`, `${name}`, `$$` (`$1`).
    public var replacement: String
    /// The action (`replace`).
    public var action: Action

    let pattern: RelabelRegex

    /// Creates a rule; the defaults are Prometheus's.
    /// - Throws: ``RelabelError`` when the regex does not compile or the rule lacks a field its action needs.
    public init(
        sourceLabels: [String] = [], separator: String = ";", regex: String = "(.*)", modulus: UInt64 = 0,
        targetLabel: String = "", replacement: String = "$1", action: Action = .replace
    ) throws(RelabelError) {
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.regex = regex
        self.modulus = modulus
        self.targetLabel = targetLabel
        self.replacement = replacement
        self.action = action
        pattern = try RelabelRegex(regex)
        switch action {
        case .replace, .lowercase, .uppercase, .hashmod, .keepequal, .dropequal:
            guard !targetLabel.isEmpty else { throw RelabelError("relabel configuration for \(action.rawValue) action requires 'target_label' value") }
        case .keep, .drop, .labelmap, .labeldrop, .labelkeep:
            break
        }
        if action == .hashmod && modulus == 0 { throw RelabelError("relabel configuration for hashmod requires non-zero modulus") }
        if [.labeldrop, .labelkeep].contains(action)
            && (!sourceLabels.isEmpty || !targetLabel.isEmpty || separator != ";" || modulus != 0 || replacement != "$1")
        {
            throw RelabelError("\(action.rawValue) action requires only 'regex', and no other fields")
        }
    }

    /// Two rules are equal when they are written the same (the compiled regex follows from `regex`).
    public static func == (a: RelabelConfig, b: RelabelConfig) -> Bool {
        a.sourceLabels == b.sourceLabels && a.separator == b.separator && a.regex == b.regex && a.modulus == b.modulus
            && a.targetLabel == b.targetLabel && a.replacement == b.replacement && a.action == b.action
    }

    /// Applies the rule; nil when the series (or target) is dropped.
    public func apply(to labels: Labels) -> Labels? {
        var builder = LabelsBuilder(labels)
        return apply(to: &builder) ? builder.labels : nil
    }

    /// Applies the rule to a builder; false when dropped.
    public func apply(to builder: inout LabelsBuilder) -> Bool {
        let value = sourceLabels.map { builder[$0] ?? "" }.joined(separator: separator)
        switch action {
        case .drop:
            if pattern.matches(value) { return false }
        case .keep:
            if !pattern.matches(value) { return false }
        case .dropequal:
            if (builder[targetLabel] ?? "") == value { return false }
        case .keepequal:
            if (builder[targetLabel] ?? "") != value { return false }
        case .replace:
            // Fast path: add or delete a label pair without running the regex.
            if value.isEmpty && regex == "(.*)" && !targetLabel.contains("$") && !replacement.contains("$") {
                builder[targetLabel] = replacement
                break
            }
            guard let match = pattern.match(value) else { break }
            let target = match.expand(targetLabel)
            guard !target.isEmpty else { break }
            let result = match.expand(replacement)
            builder[target] = result.isEmpty ? nil : result
        case .lowercase:
            builder[targetLabel] = value.lowercased()
        case .uppercase:
            builder[targetLabel] = value.uppercased()
        case .hashmod:
            builder[targetLabel] = String(RelabelHash.md5Tail(value) % modulus)
        case .labelmap:
            for label in builder.labels where pattern.matches(label.name) {
                if let match = pattern.match(label.name) { builder[match.expand(replacement)] = label.value }
            }
        case .labeldrop:
            for label in builder.labels where pattern.matches(label.name) { builder[label.name] = nil }
        case .labelkeep:
            for label in builder.labels where !pattern.matches(label.name) { builder[label.name] = nil }
        }
        return true
    }

    /// Applies rules in order; nil as soon as one drops.
    public static func process(_ labels: Labels, _ rules: [RelabelConfig]) -> Labels? {
        var builder = LabelsBuilder(labels)
        for rule in rules where !rule.apply(to: &builder) { return nil }
        return builder.labels
    }
}

/// Why a relabeling rule is invalid.
public struct RelabelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
