// Tollgate — `/api/v1/guards`: the loaded guards and plans as JSON.

import Model
import TollgateConfig

/// The loaded guard files as the guards API lists them:
/// `{"guards":[{"name","file","interval","window","no_data","max_failed_checks","checks":[…],"vetoes":[…]}],"plans":[…]}`,
/// durations as Prometheus writes them (`5m`), each check with its kind, expression and bounds.
enum GuardListing {
    static func write(_ files: [GuardFile], to json: inout JSONWriter) {
        json.object { json in
            json.key("guards")
            json.array { json in
                for file in files {
                    for spec in file.guards { write(spec, to: &json) }
                }
            }
            json.key("plans")
            json.array { json in
                for file in files {
                    for plan in file.plans {
                        json.object { json in
                            json.field("name", plan.name)
                            json.field("file", file.path)
                            json.key("stages")
                            json.array { json in
                                for stage in plan.stages {
                                    json.object { json in
                                        json.key("traffic"); json.integer(stage.traffic)
                                        json.field("watch", stage.watch.description)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func write(_ spec: GuardSpec, to json: inout JSONWriter) {
        json.object { json in
            json.field("name", spec.name)
            json.field("file", spec.file)
            json.key("interval")
            if let interval = spec.interval { json.string(interval.description) } else { json.null() }
            json.field("window", spec.window.description)
            json.field("no_data", spec.noData.rawValue)
            json.key("max_failed_checks"); json.integer(spec.maxFailedChecks)
            json.key("checks")
            json.array { json in for check in spec.checks { write(check, to: &json) } }
            json.key("vetoes")
            json.array { json in
                for veto in spec.vetoes {
                    json.object { json in
                        json.key("matchers")
                        json.array { json in for matcher in veto.matchers { json.string(matcher) } }
                    }
                }
            }
        }
    }

    private static func write(_ check: GuardCheckSpec, to json: inout JSONWriter) {
        json.object { json in
            json.field("name", check.name)
            switch check.kind {
            case .threshold(let threshold):
                json.field("kind", "threshold")
                json.field("expr", threshold.expr)
                if let max = threshold.max { json.key("max"); json.number(max) }
                if let min = threshold.min { json.key("min"); json.number(min) }
            case .comparison(let comparison):
                json.field("kind", "comparison")
                json.field("compare", comparison.expr)
                json.field("step", comparison.step.description)
                json.field("direction", comparison.direction.rawValue)
                json.key("confidence"); json.number(comparison.confidence)
                json.key("allowed_increase"); json.number(comparison.allowedIncrease)
                json.key("allowed_decrease"); json.number(comparison.allowedDecrease)
            }
            json.field("for", check.holdDuration.description)
            json.key("critical"); json.bool(check.critical)
            if let noData = check.noData { json.field("no_data", noData.rawValue) }
        }
    }
}
