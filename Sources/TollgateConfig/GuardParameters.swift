// Tollgate — TollgateConfig: what a guard is asked about, and its placeholders.

import Foundation

/// What a guard is evaluated for: the service, the new version and the version it replaces.
///
/// Expressions and veto matchers name them as `$service`, `$version` and `$baseline`;
/// `$window` is the guard's window as a PromQL duration; in a comparison `$$v` is the
/// canary's version, then the baseline's. Values are escaped for a PromQL string.
public struct GuardParameters: Sendable, Equatable, Hashable {
    /// `$service`.
    public var service: String
    /// `$version`: the canary.
    public var version: String
    /// `$baseline`: the version running now; comparisons need it.
    public var baseline: String?

    /// Creates parameters.
    public init(service: String, version: String, baseline: String? = nil) {
        self.service = service
        self.version = version
        self.baseline = baseline
    }

    /// Values that stand in for real ones when a file is checked.
    public static let placeholders = GuardParameters(service: "service", version: "canary", baseline: "baseline")

    /// `text` with `$$v` bound to `v` (when given), `$window` to `window` (when given), then
    /// `$service`, `$version` and `$baseline` substituted.
    public func substitute(in text: String, v: String? = nil, window: String? = nil) -> String {
        var out = text
        if let v { out = out.replacingOccurrences(of: "$$v", with: Self.escaped(v)) }
        if let window { out = out.replacingOccurrences(of: "$window", with: window) }
        out = out.replacingOccurrences(of: "$service", with: Self.escaped(service))
        out = out.replacingOccurrences(of: "$version", with: Self.escaped(version))
        out = out.replacingOccurrences(of: "$baseline", with: Self.escaped(baseline ?? ""))
        return out
    }

    /// A value made safe inside a double- or single-quoted PromQL string.
    static func escaped(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "'": out += "\\'"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
