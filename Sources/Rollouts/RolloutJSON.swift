// Tollgate — Rollouts: rollouts, their histories and their changes as JSON.

public import Guards
public import Model
import TollgateConfig

/// The rollouts API's JSON, written with Model's `JSONWriter`; times in RFC 3339.
public enum RolloutJSON {
    /// One rollout: `{"id","service","version","baseline","guard","plan","status","traffic",
    /// "stage":{"index","count","traffic","watch","started_at","watch_remaining_seconds"},
    /// "decision","reason","commit_time","created_at","failed_at","finished_at"}`, and its
    /// `history` when given (each event with its decision's evidence).
    public static func write(_ rollout: Rollout, history: [RolloutEvent]? = nil, at time: Int64, to json: inout JSONWriter) {
        json.object { json in
            json.field("id", rollout.id)
            json.field("service", rollout.parameters.service)
            json.field("version", rollout.parameters.version)
            json.key("baseline"); optional(rollout.parameters.baseline, &json)
            json.field("guard", rollout.guardName)
            json.field("plan", rollout.plan.name)
            json.field("status", rollout.status.rawValue)
            json.key("traffic"); json.integer(rollout.traffic)
            let progress = rollout.progress
            json.key("stage")
            json.object { json in
                json.key("index"); json.integer(rollout.stageIndex + 1)
                json.key("count"); json.integer(rollout.plan.stages.count)
                json.key("traffic"); json.integer(progress.traffic)
                json.field("watch", progress.stage?.watch.description ?? "0s")
                json.field("started_at", Timestamp.rfc3339(milliseconds: rollout.stageStartedAt))
                json.key("watch_remaining_seconds")
                json.number(rollout.status == .active ? Double(progress.watchRemaining(at: time)) / 1000 : 0)
            }
            json.key("stages")
            json.array { json in
                for stage in rollout.plan.stages {
                    json.object { json in
                        json.key("traffic"); json.integer(stage.traffic)
                        json.field("watch", stage.watch.description)
                    }
                }
            }
            json.key("decision"); optional(rollout.lastDecision?.rawValue, &json)
            json.field("reason", rollout.lastReason)
            json.key("commit_time"); timestamp(rollout.commitTime, &json)
            json.field("created_at", Timestamp.rfc3339(milliseconds: rollout.createdAt))
            json.key("failed_at"); timestamp(rollout.failedAt, &json)
            json.key("finished_at"); timestamp(rollout.finishedAt, &json)
            if let history {
                json.key("history")
                json.array { json in for event in history { write(event, to: &json) } }
            }
        }
    }

    /// One history entry: `{"at","event","stage","traffic","decision","reason","evidence"}`.
    public static func write(_ event: RolloutEvent, to json: inout JSONWriter) {
        json.object { json in
            json.field("at", Timestamp.rfc3339(milliseconds: event.at))
            json.field("event", event.kind.rawValue)
            json.key("stage"); json.integer(event.stageIndex + 1)
            json.key("traffic"); json.integer(event.traffic)
            json.key("decision"); optional(event.decision?.rawValue, &json)
            json.field("reason", event.reason)
            json.key("evidence")
            if let evidence = event.evidence, !evidence.isEmpty { json.raw(evidence) } else { json.null() }
        }
    }

    /// `{"rollouts":[…]}`, without histories.
    public static func list(_ rollouts: [Rollout], at time: Int64) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.key("rollouts")
            json.array { json in for rollout in rollouts { write(rollout, at: time, to: &json) } }
        }
        return json.bytes
    }

    /// One rollout as bytes.
    public static func bytes(_ rollout: Rollout, history: [RolloutEvent]? = nil, at time: Int64) -> [UInt8] {
        var json = JSONWriter()
        write(rollout, history: history, at: time, to: &json)
        return json.bytes
    }

    /// What a rollout webhook receives for a stored change:
    /// `{"event","previous_decision","rollout":{…},"change":{…history entry with evidence…}}`.
    public static func change(_ rollout: Rollout, _ event: RolloutEvent, previous: Decision?) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("event", event.kind.rawValue)
            json.key("previous_decision"); optional(previous?.rawValue, &json)
            json.key("rollout"); write(rollout, at: event.at, to: &json)
            json.key("change"); write(event, to: &json)
        }
        return json.bytes
    }

    private static func optional(_ text: String?, _ json: inout JSONWriter) {
        if let text { json.string(text) } else { json.null() }
    }

    private static func timestamp(_ milliseconds: Int64?, _ json: inout JSONWriter) {
        if let milliseconds { json.string(Timestamp.rfc3339(milliseconds: milliseconds)) } else { json.null() }
    }
}
