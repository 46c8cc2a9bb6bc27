// Tollgate — loading and checking the configuration, the one way `serve`, reload and `check config` do it.

import PromQL
import Rules
import Scrape
import TollgateConfig

/// Loads the configuration file with every check `serve` makes before it runs it.
enum ServerSettings {
    static func load(path: String) throws(ConfigError) -> TollgateConfig {
        try loadWithText(path: path).config
    }

    /// The configuration and the file's text (for the status API).
    /// - Throws: ``ConfigError`` holding every problem found (the rest under `more`): those
    ///   of the file and the files it names, then the static targets relabeling leaves unusable,
    ///   then those of the rule files, then those of the guard files.
    static func loadWithText(path: String) throws(ConfigError) -> (config: TollgateConfig, text: String) {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: path)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "\(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let config = try TollgateConfig(yaml: text, file: path)
        var problems = unusableStaticTargets(config)
        do {
            _ = try RulesPart.loader(config, parserOptions: ParserOptions(), templates: RuleTemplates.standard()).load(patterns: config.ruleFiles)
        } catch {
            problems += error.all
        }
        do {
            _ = try GuardsPart.load(patterns: config.guardFiles, parserOptions: ParserOptions())
        } catch {
            problems += error.all
        }
        if let problems = ConfigError(collecting: problems) { throw problems }
        return (config, text)
    }

    /// Static targets that relabeling leaves unusable (an address with a path, say): the
    /// scrape loop could only drop each with a log line, so `serve` refuses them up front,
    /// as promtool does. A target that relabeling rewrites (the blackbox exporter's
    /// pattern) passes.
    static func unusableStaticTargets(_ config: TollgateConfig) -> [ConfigError] {
        var problems: [ConfigError] = []
        for (jobIndex, job) in config.scrapeConfigs.enumerated() {
            for (groupIndex, group) in job.staticConfigs.enumerated() {
                for (index, address) in group.targets.enumerated() {
                    guard case .invalid(_, let error) = TargetBuilder.build(address: address, group: group, config: job) else { continue }
                    problems.append(
                        ConfigError(
                            file: config.source, line: nil,
                            field: "scrape_configs[\(jobIndex)].static_configs[\(groupIndex)].targets[\(index)]",
                            message: "job \"\(job.jobName)\": \(error)"))
                }
            }
        }
        return problems
    }
}
