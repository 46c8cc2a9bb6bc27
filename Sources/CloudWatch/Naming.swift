// Tollgate — CloudWatch: series names and labels exactly as YACE writes them.

/// YACE's naming (`pkg/promutil`, contracts §6.5): `aws_<namespace>_<metric>_<statistic>`
/// with PromString's rules, and `dimension_<Name>` labels.
public enum YACENames {
    /// YACE's `PromString`: space , tab / \ . - : = @ < > ( ) and “ become `_`, `%` becomes
    /// `_percent`, `_` goes before an upper-case letter that follows a lower-case letter or
    /// a digit, and everything is lower-cased.
    ///
    /// `CPUUtilization` → `cpuutilization`, `HTTPCode_Target_2XX_Count` → `httpcode_target_2_xx_count`.
    public static func promString(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var previous: Character?
        for character in text {
            switch character {
            case " ", ",", "\t", "/", "\\", ".", "-", ":", "=", "@", "<", ">", "(", ")", "“":
                out.append("_")
            case "%":
                out += "_percent"
            default:
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                    out.append("_")
                }
                out += character.lowercased()
            }
            previous = character
        }
        return out
    }

    /// YACE's `BuildMetricName`: `aws_` (unless the namespace already starts with `aws`) +
    /// PromString(lower(namespace)) without a leading `_` + `_` + PromString(metric) with a
    /// repeated namespace prefix dropped + `_` + PromString(statistic).
    ///
    /// `AWS/ApplicationELB`, `RequestCount`, `Sum` → `aws_applicationelb_request_count_sum`.
    public static func metricName(namespace: String, metric: String, statistic: String) -> String {
        var namespacePart = promString(namespace.lowercased())
        if namespacePart.hasPrefix("_") { namespacePart.removeFirst() }
        var out = namespacePart.hasPrefix("aws") ? "" : "aws_"
        out += namespacePart + "_"
        let metricPart = Array(promString(metric).utf8)
        // As YACE: each namespace part that prefixes the rest sets the skip (not cumulative).
        var skip = 0
        for part in namespacePart.split(separator: "_", omittingEmptySubsequences: false) {
            let bytes = Array(part.utf8)
            if metricPart.count >= skip, metricPart[skip...].starts(with: bytes) { skip = bytes.count }
        }
        var rest = String(decoding: metricPart[min(skip, metricPart.count)...], as: UTF8.self)
        if rest.hasPrefix("_") { rest.removeFirst() }
        out += rest
        if !statistic.isEmpty { out += "_" + promString(statistic) }
        return out
    }

    /// YACE's label for a dimension without `-labels-snake-case`: `dimension_` + the name
    /// with the PromString separators replaced by `_` (case kept).
    public static func dimensionLabel(_ name: String) -> String {
        var out = "dimension_"
        for character in name {
            switch character {
            case " ", ",", "\t", "/", "\\", ".", "-", ":", "=", "@", "<", ">", "(", ")", "“": out.append("_")
            case "%": out += "_percent"
            default: out.append(character)
            }
        }
        return out
    }
}
