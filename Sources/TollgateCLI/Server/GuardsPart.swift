// Tollgate — the rollout guards part: every configuration's guard files, the guards API.

import Guards
import HTTPAPI
import PromQL
import TollgateConfig

/// Rollout guards: the guard files of each configuration, loaded all or nothing, and the
/// guards API (`/api/v1/guards`, the decision endpoint) answered by a ``GuardRegistry``.
struct GuardsPart: ServerPart {
    let registry: GuardRegistry
    let parserOptions: ParserOptions
    var name: String { "guards" }
    var routes: [any RouteRegistrar] { [GuardRoutes(source: registry)] }

    /// Loads every guard file of `config` (all must be good) before anything changes.
    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let files = try Self.load(patterns: config.guardFiles, parserOptions: parserOptions)
        let registry = registry
        return ReloadStep { await registry.apply(files) }
    }

    /// The guard files `patterns` match, read and checked as `tollgate check guards` does,
    /// with guard names unique across the files; `check config` uses it too.
    /// - Throws: ``ConfigError`` naming every problem, each with its file, line and field.
    static func load(patterns: [String], parserOptions: ParserOptions) throws(ConfigError) -> [GuardFile] {
        var files: [GuardFile] = [], problems: [ConfigError] = []
        var seen: [String: String] = [:]
        for path in PathPattern.expand(patterns) {
            let (file, fileProblems) = GuardFile.read(path: path)
            problems += fileProblems
            problems += GuardFileCheck.problems(in: file, options: parserOptions)
            for spec in file.guards {
                if let other = seen[spec.name] {
                    problems.append(ConfigError(file: path, line: spec.line, field: "guards", message: "guard \"\(spec.name)\" is also defined in \(other)"))
                }
                seen[spec.name] = seen[spec.name] ?? path
            }
            files.append(file)
        }
        if let error = ConfigError(collecting: problems) { throw error }
        return files
    }
}
