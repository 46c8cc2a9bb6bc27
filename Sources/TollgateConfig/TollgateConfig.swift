// Tollgate — TollgateConfig: the configuration file.

import Model
import Foundation
import Yams

/// `tollgate.yml`: the sections of `prometheus.yml` Tollgate understands, in
/// their own form, so an existing file works unchanged where supported.
///
/// Every field Prometheus has but Tollgate does not support yet is an error that
/// names it; so is an unknown field.
public struct TollgateConfig: Sendable, Equatable {
    /// Where the configuration came from: a path or `<embedded default>`.
    public var source: String
    /// The `global` section.
    public var global = GlobalConfig()
    /// The `scrape_configs` section and the jobs of `scrape_config_files`: one entry per
    /// job, names unique across all of them.
    public var scrapeConfigs: [ScrapeConfig] = []
    /// `scrape_config_files`: patterns (a glob in the file name), resolved against this
    /// file's folder; each matching file holds a `scrape_configs` list.
    public var scrapeConfigFiles: [String] = []
    /// `rule_files`: patterns of rule files, resolved against this file's folder.
    public var ruleFiles: [String] = []
    /// `guard_files`: patterns of rollout guard files (``GuardFile``), resolved against
    /// this file's folder; globs allowed.
    public var guardFiles: [String] = []
    /// `rollout_webhooks`: where stored rollouts' decision changes are POSTed.
    public var rolloutWebhooks: [RolloutWebhookConfig] = []
    /// The `dora` section: the DORA figures' window and targets.
    public var dora = DoraConfig()
    /// The `storage` section.
    public var storage = StorageConfig()
    /// The `alerting` section: external Alertmanagers alerts are sent to.
    public var alerting = AlertingConfig()
    /// The `alertmanager` section: the built-in notifier's alertmanager.yml, or nil when
    /// the notifier is off.
    public var alertmanager: NotifierSettings?
    /// The `remote_write` section.
    public var remoteWrite: [RemoteWriteConfig] = []
    /// `probe_modules`: blackbox_exporter's modules for `/probe` (blackbox.yml's `modules:`).
    public var probeModules: [String: ProbeModule] = [:]
    /// The `cloudwatch` section: CloudWatch jobs polled in-process (``CloudWatchJob``).
    public var cloudwatch: [CloudWatchJob] = []
    /// Things that load but do nothing in this version (each names its field): `serve`
    /// logs them and `check config` prints them.
    public var warnings: [ConfigError] = []

    /// The embedded default for a server listening on `address`: it scrapes itself every
    /// 15 s, evaluates the rule files `./rules/*.yml` (their unit tests, `*.test.yml`
    /// beside them, left out) and serves the guard files `./rules/guards/*.yml`.
    public static func embeddedDefault(selfAddress address: String) -> TollgateConfig {
        var config = TollgateConfig(source: "<embedded default>")
        config.global.scrapeInterval = PromDuration(milliseconds: 15_000)
        config.scrapeConfigs = [ScrapeConfig(jobName: "tollgate", global: config.global, targets: [address])]
        config.ruleFiles = PathPattern.expand(["rules/*.yml"]).filter { !$0.hasSuffix(".test.yml") }
        config.guardFiles = ["rules/guards/*.yml"]
        return config
    }

    /// Parses a configuration file's text, and reads the files its `scrape_config_files`
    /// name.
    ///
    /// The whole file is read even after a problem, so the error names every problem.
    /// - Parameters:
    ///   - yaml: the file contents.
    ///   - file: the path, used in error messages and to resolve relative paths.
    /// - Throws: ``ConfigError`` naming the line and field of the first problem, with the
    ///   others under ``ConfigError/more``.
    public init(yaml: String, file: String) throws(ConfigError) {
        source = file
        guard let root = try Self.compose(yaml, file: file) else { return }  // An empty file is the default configuration.
        let reader = NodeReader(file: file)
        let top = try reader.mapping(root, field: nil)
        // Jobs inherit from global, wherever in the file it is.
        if let (_, value) = top.first(where: { $0.0.name == "global" }) {
            global = reader.attempt { () throws(ConfigError) in try GlobalConfig(value, reader: reader) } ?? GlobalConfig()
        }
        var jobs = JobNames()
        for (key, value) in top {
            reader.attempt { () throws(ConfigError) in
                switch key.name {
                case "global": break
                case "scrape_configs": scrapeConfigs += try Self.scrapeConfigs(value, reader: reader, field: "scrape_configs", global: global, names: &jobs)
                case "scrape_config_files": scrapeConfigFiles = try reader.strings(value, field: key.name).map(reader.resolve)
                case "rule_files": ruleFiles = try reader.strings(value, field: key.name).map(reader.resolve)
                case "guard_files": guardFiles = try reader.strings(value, field: key.name).map(reader.resolve)
                case "rollout_webhooks":
                    for (index, item) in try reader.sequence(value, field: key.name).enumerated() {
                        if let hook = reader.attempt({ () throws(ConfigError) in try RolloutWebhookConfig(item, reader: reader, field: "rollout_webhooks[\(index)]") }) {
                            rolloutWebhooks.append(hook)
                        }
                    }
                case "dora": dora = try DoraConfig(value, reader: reader, field: key.name)
                case "probe_modules": probeModules = try ProbeModules.modules(value, reader: reader, field: key.name)
                case "storage": storage = try StorageConfig(value, reader: reader, warnings: &warnings)
                case "alerting": alerting = try AlertingConfig(value, reader: reader)
                case "alertmanager": alertmanager = try NotifierSettings(value, reader: reader)
                case "remote_write":
                    for (index, item) in try reader.sequence(value, field: key.name).enumerated() {
                        if let entry = reader.attempt({ () throws(ConfigError) in try RemoteWriteConfig(item, reader: reader, field: "remote_write[\(index)]") }) {
                            remoteWrite.append(entry)
                        }
                    }
                case "cloudwatch": cloudwatch = try Self.cloudWatchJobs(value, reader: reader, field: key.name)
                case let name where Self.plannedSections.contains(name):
                    throw reader.error(key.node, field: name, "not supported by this version of Tollgate yet")
                default:
                    throw reader.error(key.node, field: key.name, "unknown field")
                }
            }
        }
        for path in PathPattern.expand(scrapeConfigFiles) {
            reader.attempt { () throws(ConfigError) in
                scrapeConfigs += try Self.scrapeConfigFile(path, global: global, names: &jobs)
            }
        }
        try reader.finish()
    }

    /// The job names seen so far, to refuse a second job of the same name.
    struct JobNames {
        var seen: Set<String> = []
    }

    /// A `scrape_configs` list, in this file or in one of `scrape_config_files`.
    static func scrapeConfigs(
        _ node: Node, reader: NodeReader, field: String, global: GlobalConfig, names: inout JobNames
    ) throws(ConfigError) -> [ScrapeConfig] {
        var jobs: [ScrapeConfig] = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            let path = "\(field)[\(index)]"
            guard let job = reader.attempt({ () throws(ConfigError) in try ScrapeConfig(item, reader: reader, field: path, global: global) }) else {
                continue
            }
            guard names.seen.insert(job.jobName).inserted else {
                reader.record(reader.error(item, field: "\(path).job_name", "found multiple scrape configs with job name \"\(job.jobName)\""))
                continue
            }
            jobs.append(job)
        }
        return jobs
    }

    /// The jobs of one of `scrape_config_files`: a file holding only `scrape_configs`,
    /// whose relative paths are resolved against its own folder.
    static func scrapeConfigFile(_ path: String, global: GlobalConfig, names: inout JobNames) throws(ConfigError) -> [ScrapeConfig] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        guard let root = try compose(text, file: path) else { return [] }
        let reader = NodeReader(file: path)
        var jobs: [ScrapeConfig] = []
        for (key, value) in try reader.mapping(root, field: nil) {
            reader.attempt { () throws(ConfigError) in
                guard key.name == "scrape_configs" else {
                    throw reader.error(key.node, field: key.name, "unknown field; a file of scrape_config_files holds only scrape_configs")
                }
                jobs += try scrapeConfigs(value, reader: reader, field: "scrape_configs", global: global, names: &names)
            }
        }
        try reader.finish()
        return jobs
    }

    /// The file's YAML tree; nil for an empty file.
    static func compose(_ yaml: String, file: String) throws(ConfigError) -> Node? {
        do {
            return try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: Self.line(of: error), field: nil, message: "invalid YAML: \(Self.problem(of: error))")
        } catch {
            throw ConfigError(file: file, line: nil, field: nil, message: "invalid YAML: \(error)")
        }
    }

    /// An empty configuration (global defaults, no jobs) from `source`.
    public init(source: String) { self.source = source }

    /// Sections of prometheus.yml (and Tollgate's own) that later versions read.
    static let plannedSections: Set<String> = ["remote_read", "tracing", "otlp", "runtime", "guards"]

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicated keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}
