// Tollgate — Notifier: Alertmanager's API v2 answered from the notifier's state.

import Model
public import Notify

/// One answer of the API: the status and the body (JSON; empty for none).
public struct NotifierReply: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The body; empty when Alertmanager sends none.
    public var body: [UInt8]
    /// Set when a limit refused the request: the `reason` it is counted under.
    public var limit: String?

    /// Creates an answer.
    public init(status: Int, body: [UInt8] = []) {
        self.status = status
        self.body = body
    }

    init(_ error: APIv2Error) { self.init(status: error.status, body: error.body) }
}

extension Notifier {
    /// `POST /api/v2/alerts`: decoded as Alertmanager decodes it; the valid alerts are kept
    /// even when others are refused (400 naming them, joined by `; `).
    public func postAlerts(_ body: [UInt8]) async -> NotifierReply {
        switch PostableAlerts.decode(body) {
        case .failure(let error): return NotifierReply(error)
        case .success(let alerts):
            if maxAlertsPerRequest > 0, alerts.count > maxAlertsPerRequest {
                let message = "too many alerts in one request: \(alerts.count) (limit: \(maxAlertsPerRequest), --alerts.max-per-request); "
                    + "none were taken, send smaller batches"
                var reply = NotifierReply(APIv2Error(status: 413, message: message, form: .text))
                reply.limit = "max_alerts_per_request"
                return reply
            }
            let problems = await receive(alerts)
            guard problems.isEmpty else {
                return NotifierReply(APIv2Error(status: 400, message: problems.joined(separator: "; "), form: .text))
            }
            return NotifierReply(status: 200)
        }
    }

    /// `GET /api/v2/alerts`: the alerts not resolved, each with its status and receivers, filtered.
    public func alerts(query: [(String, String)]) -> NotifierReply {
        guard case .success(let filter) = AlertFilter.parse(query) else { return Self.refusal(query) }
        let now = clock.now()
        var entries: [APIv2Encoder.AlertEntry] = []
        for alert in store.alerts {
            let receivers = config.route.match(alert.labels).map(\.options.receiver)
            let status = statusNow(alert, now: now)
            if filter.admits(alert, status: status, receivers: receivers, now: now) {
                entries.append(APIv2Encoder.AlertEntry(alert: alert, status: status, receivers: receivers))
            }
        }
        return NotifierReply(status: 200, body: APIv2Encoder.gettableAlerts(entries))
    }

    /// `GET /api/v2/alerts/groups`: the aggregation groups whose receiver passes the filter,
    /// with the alerts that pass it.
    public func alertGroups(query: [(String, String)]) -> NotifierReply {
        guard case .success(let filter) = AlertFilter.parse(query) else { return Self.refusal(query) }
        let now = clock.now()
        var statuses: [UInt64: AlertStatus] = [:]
        var groups: [AlertGroupSnapshot] = []
        for var group in dispatch.groups where filter.admitsReceiver(group.receiver) {
            group.alerts = group.alerts.filter { alert in
                let status = statusNow(alert, now: now)
                statuses[alert.fingerprint] = status
                return filter.admits(alert, status: status, now: now)
            }
            if !group.alerts.isEmpty { groups.append(group) }
        }
        let route = config.route
        let body = APIv2Encoder.alertGroups(groups) { alert in
            (statuses[alert.fingerprint] ?? AlertStatus(), route.match(alert.labels).map(\.options.receiver))
        }
        return NotifierReply(status: 200, body: body)
    }

    /// `GET /api/v2/silences`: the silences whose matchers include every `filter` matcher.
    public func silences(query: [(String, String)]) -> NotifierReply {
        guard case .success(let filter) = AlertFilter.parse(query) else { return Self.refusal(query) }
        return NotifierReply(status: 200, body: APIv2Encoder.gettableSilences(silences.all.filter(filter.admits), now: clock.now()))
    }

    /// `POST /api/v2/silences`: creates or updates a silence; 404 for an unknown id.
    public func postSilence(_ body: [UInt8]) async -> NotifierReply {
        switch PostableSilence.decode(body, now: clock.now()) {
        case .failure(let error): return NotifierReply(error)
        case .success(let silence):
            do {
                let id = try await setSilence(silence)
                return NotifierReply(status: 200, body: APIv2Encoder.postSilenceResponse(id: id))
            } catch {
                let status = error == .notFound ? 404 : 400
                var reply = NotifierReply(APIv2Error(status: status, message: error.description, form: .text))
                if case .limit(let reason, _) = error { reply.limit = reason }
                return reply
            }
        }
    }

    /// `GET /api/v2/silence/{id}`: the silence, or an empty 404.
    public func silenceReply(id: String) -> NotifierReply {
        guard let silence = silence(id) else { return NotifierReply(status: 404) }
        return NotifierReply(status: 200, body: APIv2Encoder.gettableSilence(silence, now: clock.now()))
    }

    /// `DELETE /api/v2/silence/{id}`: expires it; an empty 404 when there is none, 500 with
    /// the reason when it has already expired (as Alertmanager answers).
    public func expireReply(id: String) async -> NotifierReply {
        do {
            try await expireSilence(id)
            return NotifierReply(status: 200)
        } catch {
            if error == .notFound { return NotifierReply(status: 404) }
            return NotifierReply(APIv2Error(status: 500, message: error.description, form: .text))
        }
    }

    /// The 400 for a query whose filter does not parse.
    private static func refusal(_ query: [(String, String)]) -> NotifierReply {
        if case .failure(let error) = AlertFilter.parse(query) { return NotifierReply(error) }
        return NotifierReply(status: 400)
    }

    /// `GET /api/v2/receivers`.
    public func receiversReply() -> NotifierReply { NotifierReply(status: 200, body: APIv2Encoder.receivers(receiverNames)) }

    /// `GET /api/v2/status` with `version` as the build's.
    public func statusReply(version: APIv2Encoder.VersionInfo) -> NotifierReply {
        NotifierReply(status: 200, body: APIv2Encoder.status(configYAML: original, startedAt: started, version: version))
    }
}
