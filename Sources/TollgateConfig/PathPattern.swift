// Tollgate — TollgateConfig: file patterns (`rule_files`, `scrape_config_files`, file_sd).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Expands file patterns as Prometheus does with `filepath.Glob`.
public enum PathPattern {
    /// The files matching each pattern (a `*`, `?` or `[…]` glob), in order, each pattern's
    /// matches sorted; a pattern without a glob character is kept as written (its absence
    /// is the reader's to report), a glob matching nothing gives nothing.
    public static func expand(_ patterns: [String]) -> [String] {
        var paths: [String] = []
        for pattern in patterns {
            guard isGlob(pattern) else {
                paths.append(pattern)
                continue
            }
            var result = glob_t()
            defer { globfree(&result) }
            guard glob(pattern, 0, nil, &result) == 0 else { continue }
            for index in 0..<Int(result.gl_pathc) {
                if let path = result.gl_pathv[index] { paths.append(String(cString: path)) }
            }
        }
        return paths
    }

    /// Whether `pattern` holds a glob character.
    public static func isGlob(_ pattern: String) -> Bool { pattern.contains(where: { "*?[".contains($0) }) }
}
