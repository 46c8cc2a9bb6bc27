// Tollgate — TollgateConfig: rollout guard files (`guards:` and `plans:`), as written.

public import Model
import Foundation
import Yams

/// A guard file: the guards that decide go / no-go for a rollout and the plans that move
/// its traffic, read strictly: an unknown key, a bad duration or number, a missing field
/// or a bad plan is an error naming the file, line and field, and one pass names every
/// problem. PromQL is checked by `tollgate check guards`, which has the parser.
///
/// ```yaml
/// guards:
///   - name: checkout-api
///     checks:
///       - name: error-ratio
///         expr: sum(rate(errors_total{service="$service",version="$version"}[1m]))
///         max: 0.01
/// plans:
///   - name: blue-green
///     stages: [{traffic: 10, watch: 5m}, {traffic: 100, watch: 15m}]
/// ```
public struct GuardFile: CheckedFile, Equatable {
    /// The file's path.
    public var path: String
    /// The guards, in file order; names unique in the file.
    public var guards: [GuardSpec] = []
    /// The plans, in file order; names unique in the file.
    public var plans: [PlanSpec] = []

    /// ``read(path:)`` for a file's text.
    public static func read(yaml: String, path: String) -> (GuardFile, [ConfigError]) {
        var file = GuardFile(emptyAt: path)
        var guardNames: Set<String> = [], planNames: Set<String> = []
        let problems = problems(reading: yaml, path: path) { (root, reader) throws(ConfigError) in
            try reader.fields(root, field: "") { (key, value, _) throws(ConfigError) -> Bool in
                switch key.name {
                case "guards":
                    for (index, item) in try reader.sequence(value, field: "guards").enumerated() {
                        guard let spec = reader.attempt({ () throws(ConfigError) in try GuardSpec(item, reader: reader, field: "guards[\(index)]") }) else { continue }
                        guard guardNames.insert(spec.name).inserted else {
                            reader.record(reader.error(item, field: "guards[\(index)].name", "guard \"\(spec.name)\" is repeated in the same file"))
                            continue
                        }
                        file.guards.append(spec)
                    }
                case "plans":
                    for (index, item) in try reader.sequence(value, field: "plans").enumerated() {
                        guard let plan = reader.attempt({ () throws(ConfigError) in try PlanSpec(item, reader: reader, field: "plans[\(index)]") }) else { continue }
                        guard planNames.insert(plan.name).inserted else {
                            reader.record(reader.error(item, field: "plans[\(index)].name", "plan \"\(plan.name)\" is repeated in the same file"))
                            continue
                        }
                        file.plans.append(plan)
                    }
                default: return false
                }
                return true
            }
        }
        return (file, problems)
    }

    /// An empty file at `path`.
    public init(emptyAt path: String) { self.path = path }
}

/// A rollout plan: the traffic steps and how long each is watched.
public struct PlanSpec: Sendable, Equatable {
    /// One step of a plan.
    public struct Stage: Sendable, Equatable {
        /// `traffic`: the new version's share, percent, 1…100.
        public var traffic: Int
        /// `watch`: how long the stage is watched before it may advance.
        public var watch: PromDuration

        /// Creates a stage.
        public init(traffic: Int, watch: PromDuration) {
            self.traffic = traffic
            self.watch = watch
        }
    }

    /// `name`.
    public var name: String
    /// `stages`, in order: traffic strictly increasing, the last at 100.
    public var stages: [Stage]
    /// The plan's line in its file.
    public var line: Int?

    /// Creates a plan (for code and tests; files are read by ``GuardFile``).
    public init(name: String, stages: [Stage], line: Int? = nil) {
        self.name = name
        self.stages = stages
        self.line = line
    }

    init(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) {
        name = ""
        stages = []
        line = node.mark?.line
        var stageNodes: [Node] = []
        let before = reader.problemCount
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "stages":
                stageNodes = try reader.sequence(value, field: path)
                for (index, item) in stageNodes.enumerated() {
                    let at = "\(path)[\(index)]"
                    var traffic: Int?, trafficGiven = false, watch = PromDuration(milliseconds: 0)
                    try reader.fields(item, field: at) { (key, value, path) throws(ConfigError) -> Bool in
                        switch key.name {
                        case "traffic":
                            trafficGiven = true
                            traffic = try reader.percent(value, field: path)
                        case "watch": watch = try reader.duration(value, field: path)
                        default: return false
                        }
                        return true
                    }
                    guard let traffic else {
                        if trafficGiven { continue }  // its error is recorded
                        throw reader.error(item, field: "\(at).traffic", "field 'traffic' must be set in a stage")
                    }
                    stages.append(Stage(traffic: traffic, watch: watch))
                }
            default: return false
            }
            return true
        }
        guard !name.isEmpty else { throw reader.error(node, field: "\(field).name", "plan name should not be empty") }
        guard reader.problemCount == before else { return }
        guard let last = stages.last else { throw reader.error(node, field: "\(field).stages", "plan \"\(name)\" has no stages") }
        for index in stages.indices.dropFirst() where stages[index].traffic <= stages[index - 1].traffic {
            throw reader.error(stageNodes[index], field: "\(field).stages[\(index)].traffic",
                "plan \"\(name)\": traffic must increase from stage to stage (\(stages[index - 1].traffic) then \(stages[index].traffic))")
        }
        guard last.traffic == 100 else {
            throw reader.error(stageNodes[stages.count - 1], field: "\(field).stages[\(stages.count - 1)].traffic", "plan \"\(name)\" must end at traffic 100, not \(last.traffic)")
        }
    }
}

extension NodeReader {
    /// A traffic share: a whole number 1…100.
    func percent(_ node: Node, field: String) throws(ConfigError) -> Int {
        let text = try string(node, field: field)
        guard let value = Int(text), (1...100).contains(value) else { throw error(node, field: field, "invalid traffic \"\(text)\"; expected a whole percent 1…100") }
        return value
    }

    /// A finite number.
    func number(_ node: Node, field: String) throws(ConfigError) -> Double {
        let text = try string(node, field: field)
        guard let value = Double(text), value.isFinite else { throw error(node, field: field, "invalid number \"\(text)\"") }
        return value
    }
}
