// Tollgate — Scrape: file_sd_configs, read and watched.

import Foundation
import Logging
import Model
import TollgateConfig

#if canImport(Glibc)
import Glibc
#endif

/// Reads the target groups of a job's `file_sd_configs` and notices changes by
/// polling each file's size and modification time (and re-reading every
/// `refresh_interval`). A file that fails to read or parse keeps its last good
/// groups and the error is logged, as Prometheus does.
struct FileDiscovery: Sendable {
    private struct Seen: Sendable, Equatable {
        var size: Int64
        var modified: Double
    }

    let configs: [FileSDConfig]
    private var seen: [String: Seen] = [:]
    private var groups: [String: [TargetGroup]] = [:]
    private var lastRefresh: [String: ContinuousClock.Instant] = [:]

    init(configs: [FileSDConfig]) { self.configs = configs }

    /// Re-reads what changed; returns the groups of every file when anything did, else nil.
    mutating func poll(logger: Logger, force: Bool = false) -> [TargetGroup]? {
        var changed = force
        var present: Set<String> = []
        for config in configs {
            for path in Self.expand(config.files) {
                present.insert(path)
                let refreshDue = lastRefresh[path].map { ContinuousClock.now - $0 >= .milliseconds(config.refreshInterval.milliseconds) } ?? true
                guard let stat = Self.stat(path) else { continue }
                guard refreshDue || seen[path] != stat else { continue }
                seen[path] = stat
                lastRefresh[path] = .now
                do {
                    let text = try String(contentsOfFile: path, encoding: .utf8)
                    // Every group carries the file it came from, as Prometheus's file_sd sets it.
                    let read = try TargetGroup.fileSD(text, file: path).map { group in
                        var group = group
                        group.labels["__meta_filepath"] = path
                        return group
                    }
                    if groups[path] != read {
                        groups[path] = read
                        changed = true
                    }
                } catch {
                    logger.error("cannot read file_sd file; keeping its last targets", metadata: ["file": "\(path)", "error": "\(error)"])
                }
            }
        }
        for path in groups.keys where !present.contains(path) {
            groups[path] = nil
            seen[path] = nil
            changed = true
        }
        guard changed else { return nil }
        return groups.keys.sorted().flatMap { groups[$0] ?? [] }
    }

    private static func stat(_ path: String) -> Seen? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return Seen(size: size, modified: modified)
    }

    /// The files matching each pattern (a `*`, `?` or `[…]` glob in the file name).
    static func expand(_ patterns: [String]) -> [String] { PathPattern.expand(patterns) }
}
