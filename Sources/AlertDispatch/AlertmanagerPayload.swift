// Tollgate — AlertDispatch: the body of `POST /api/v2/alerts`.

import Model
import Rules

/// Alertmanager's API v2 alert list, as Prometheus's notifier writes it: labels,
/// annotations, `startsAt`, `endsAt` (RFC 3339) and `generatorURL`.
enum AlertmanagerPayload {
    static func encode(_ alerts: [SentAlert]) -> [UInt8] {
        var json = JSONWriter()
        json.array { json in
            for alert in alerts {
                json.object { json in
                    json.field("labels", alert.labels)
                    json.field("annotations", alert.annotations)
                    json.field("startsAt", Timestamp.rfc3339(milliseconds: alert.startsAt))
                    json.field("endsAt", Timestamp.rfc3339(milliseconds: alert.endsAt))
                    json.field("generatorURL", alert.generatorURL)
                }
            }
        }
        return json.bytes
    }
}
