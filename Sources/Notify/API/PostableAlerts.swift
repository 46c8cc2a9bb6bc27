// Tollgate — Notify: the body of `POST /api/v2/alerts`, read and checked as Alertmanager does.

import Model

/// `POST /api/v2/alerts`: a JSON array of `{labels, annotations, startsAt, endsAt,
/// generatorURL}`, as Prometheus sends it.
///
/// Reading follows Alertmanager's three stages, each with its own answer:
/// 1. ``decode(_:)``: Go's decoder and go-openapi's checks; a body that fails is refused
///    whole (400 `{"code":400,"message":"parsing alerts body from \"\" failed, because …"}`,
///    or 422 `{"code":602,"message":"0.labels in body is required"}`).
/// 2. `AlertStore.post(_:now:)`: the handler's defaults (`startsAt`, `endsAt` with
///    `timeout`, `updatedAt`), empty-valued labels dropped, then each alert validated: the
///    valid ones are kept and the others named in one 400 (`"start time must be before end
///    time"`, errors joined by `; `), as Alertmanager stores the valid part of a batch.
///
/// ```swift
/// switch PostableAlerts.decode(body) {
/// case .failure(let error): return (error.status, error.body)
/// case .success(let alerts):
///     let (stored, problems) = store.post(alerts, now: now)   // an AlertStore
///     return problems.isEmpty ? (200, []) : (400, problems.joined(separator: "; "))
/// }
/// ```
public enum PostableAlerts {
    /// Decodes and checks the body; times not given are 0 and `timeout` is false.
    /// - Returns: the alerts as posted (empty-valued labels still there), or the refusal.
    public static func decode(_ body: [UInt8]) -> Result<[NotifierAlert], APIv2Error> {
        let value: GoJSON
        switch GoJSON.parse(body) {
        case .failure(let error):
            if error.description == "EOF" { return .failure(.required("alerts")) }
            return .failure(.parsing("alerts", error.description))
        case .success(let parsed): value = parsed
        }
        let elements: [GoJSON]
        switch value {
        case .null: return .success([])
        case .array(let array): elements = array
        default: return .failure(.parsing("alerts", "json: cannot unmarshal \(value.kind) into Go value of type models.PostableAlerts"))
        }
        var decoded: [Decoded?] = []
        for element in elements {
            switch element {
            case .null: decoded.append(nil)
            case .object(let members):
                switch decodeAlert(members) {
                case .success(let alert): decoded.append(alert)
                case .failure(let error): return .failure(error)
                }
            default:
                return .failure(.parsing("alerts", "json: cannot unmarshal \(element.kind) into Go value of type \(anonymousStruct)"))
            }
        }
        var alerts: [NotifierAlert] = []
        for (index, alert) in decoded.enumerated() {
            guard let alert else { return .failure(.required("\(index).labels")) }
            if !alert.generatorURL.isEmpty, !GoURL.parses(alert.generatorURL) {
                return .failure(.format("\(index).generatorURL", "uri", alert.generatorURL))
            }
            guard let labels = alert.labels else { return .failure(.required("\(index).labels")) }
            alerts.append(
                NotifierAlert(
                    labels: Labels(labels), annotations: Labels(alert.annotations ?? [:]), startsAt: alert.startsAt, endsAt: alert.endsAt,
                    generatorURL: alert.generatorURL))
        }
        return .success(alerts)
    }

    /// One element as Go's decoder fills it.
    struct Decoded {
        var labels: [String: String]?
        var annotations: [String: String]?
        var startsAt: Int64 = 0
        var endsAt: Int64 = 0
        var generatorURL = ""
    }

    /// How Go names the first half of `postableAlert` in its errors.
    static let anonymousStruct =
        #"struct { Annotations models.LabelSet "json:\"annotations,omitempty\""; EndsAt strfmt.DateTime "json:\"endsAt,omitempty\""; StartsAt strfmt.DateTime "json:\"startsAt,omitempty\"" }"#

    /// Go's two passes over one element (the generated `UnmarshalJSON`): first annotations
    /// and times, then the `Alert` part. A type error inside a map is kept and the first one
    /// reported after the pass; a time or URL that does not decode stops at once.
    static func decodeAlert(_ members: [(String, GoJSON)]) -> Result<Decoded, APIv2Error> {
        var alert = Decoded()
        var saved: String?
        for (key, value) in members {
            switch key.lowercased() {
            case "annotations":
                decodeMap(value, into: &alert.annotations, field: ".annotations", saved: &saved)
            case "startsat", "endsat":
                let field = key.lowercased() == "startsat" ? "startsAt" : "endsAt"
                switch value {
                case .null: continue
                case .string(let text):
                    switch GoDateTime.parse(text) {
                    case .success(let ms): if field == "startsAt" { alert.startsAt = ms } else { alert.endsAt = ms }
                    case .failure(let error): return .failure(.parsing("alerts", error.description))
                    }
                default:
                    return .failure(.parsing("alerts", "json: cannot unmarshal \(value.kind) into Go struct field .\(field) of type string"))
                }
            default: continue
            }
        }
        if let saved { return .failure(.parsing("alerts", saved)) }
        for (key, value) in members {
            switch key.lowercased() {
            case "labels":
                decodeMap(value, into: &alert.labels, field: "Alert.labels", saved: &saved)
            case "generatorurl":
                switch value {
                case .null: continue
                case .string(let text): alert.generatorURL = text
                default:
                    return .failure(.parsing("alerts", "json: cannot unmarshal \(value.kind) into Go struct field Alert.generatorURL of type string"))
                }
            default: continue
            }
        }
        if let saved { return .failure(.parsing("alerts", saved)) }
        return .success(alert)
    }

    /// A `LabelSet` member: null resets it, an object adds to it (as Go fills an existing map).
    static func decodeMap(_ value: GoJSON, into map: inout [String: String]?, field: String, saved: inout String?) {
        switch value {
        case .null: map = nil
        case .object(let members):
            var filled = map ?? [:]
            for (name, item) in members {
                switch item {
                case .string(let text): filled[name] = text
                case .null: filled[name] = filled[name] ?? ""
                default:
                    filled[name] = ""
                    if saved == nil { saved = "json: cannot unmarshal \(item.kind) into Go struct field \(field) of type string" }
                }
            }
            map = filled
        default:
            if saved == nil { saved = "json: cannot unmarshal \(value.kind) into Go struct field \(field) of type models.LabelSet" }
        }
    }
}
