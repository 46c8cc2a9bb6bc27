// Tollgate — WebUI: the silences page (list, create, expire) and the rollouts pages, read
// from the notifier's API v2 source and the rollouts source (JSON bytes in and out).

import Foundation
import HTTPAPI
import Model

extension WebUI {
    struct SilenceRow { let id: String; let state: String; let matchers: [String]; let endsAt: String; let createdBy: String; let comment: String; let expirable: Bool }
    struct SilencesView {
        let available: Bool; let silences: [SilenceRow]; let hasSilences: Bool; let message: String?; let error: String?
        let matchers: String; let duration: String; let createdBy: String; let comment: String
    }

    func silences(_ form: APIForm, error: String? = nil) async -> SilencesView {
        var rows: [SilenceRow] = []
        if let source = sources.alertmanager {
            let reply = await source.silences(query: [])
            for item in (Self.json(reply.body) as? [[String: Any]]) ?? [] {
                let state = ((item["status"] as? [String: Any])?["state"] as? String) ?? "unknown"
                let matchers = ((item["matchers"] as? [[String: Any]]) ?? []).map { matcher -> String in
                    let equal = matcher["isEqual"] as? Bool ?? true, regex = matcher["isRegex"] as? Bool ?? false
                    let op = regex ? (equal ? "=~" : "!~") : (equal ? "=" : "!=")
                    return "\(matcher["name"] as? String ?? "")\(op)\(GoString.quote(matcher["value"] as? String ?? ""))"
                }
                rows.append(SilenceRow(
                    id: item["id"] as? String ?? "", state: state, matchers: matchers, endsAt: (item["endsAt"] as? String) ?? "",
                    createdBy: item["createdBy"] as? String ?? "", comment: item["comment"] as? String ?? "", expirable: state != "expired"))
            }
            let order = ["active": 0, "pending": 1, "expired": 2]
            rows.sort { (order[$0.state] ?? 3, $1.endsAt) < (order[$1.state] ?? 3, $0.endsAt) }
        }
        let message: String? =
            switch form["done"] ?? "" {
            case "created": "Silence \(form["id"] ?? "") created."
            case "expired": "Silence \(form["id"] ?? "") expired."
            default: nil
            }
        return SilencesView(
            available: sources.alertmanager != nil, silences: rows, hasSilences: !rows.isEmpty, message: error == nil ? message : nil, error: error,
            matchers: error == nil ? "" : form["matchers"] ?? "", duration: error == nil ? "2h" : form["duration"] ?? "",
            createdBy: error == nil ? "" : form["createdBy"] ?? "", comment: error == nil ? "" : form["comment"] ?? "")
    }

    /// `POST /ui/silences`: matchers, duration, createdBy and comment from the form, sent to the
    /// notifier as API v2's `POST /api/v2/silences` body; back to the list, or the form again with the error.
    func createSilence(_ form: APIForm) async -> PageReply {
        guard let source = sources.alertmanager else { return render(status: 404, "Silences", page: "silences", base: "", template: "silences", await silences(form)) }
        func failed(_ error: String) async -> PageReply {
            render(status: 400, "Silences", page: "silences", base: "", template: "silences", await silences(form, error: error))
        }
        let matchers: [LabelMatcher]
        do {
            matchers = try AlertmanagerMatchers.parse(form["matchers"] ?? "")
        } catch {
            return await failed("bad matchers: \(error)")
        }
        guard !matchers.isEmpty else { return await failed("a silence needs at least one matcher") }
        guard let duration = PromDuration(parsing: (form["duration"] ?? "").trimmingCharacters(in: .whitespaces)), duration.milliseconds > 0 else {
            return await failed("bad duration \(GoString.quote(form["duration"] ?? "")): expected e.g. 30m, 2h, 1d")
        }
        let createdBy = (form["createdBy"] ?? "").trimmingCharacters(in: .whitespaces)
        let comment = (form["comment"] ?? "").trimmingCharacters(in: .whitespaces)
        guard !createdBy.isEmpty, !comment.isEmpty else { return await failed("a silence needs who created it and a comment") }
        let now = sources.now()
        let body: [String: Any] = [
            "matchers": matchers.map { matcher in
                [
                    "name": matcher.name, "value": matcher.value, "isRegex": matcher.kind == .regex || matcher.kind == .notRegex,
                    "isEqual": matcher.kind == .equal || matcher.kind == .regex,
                ] as [String: Any]
            },
            "startsAt": Timestamp.rfc3339(milliseconds: now), "endsAt": Timestamp.rfc3339(milliseconds: now + duration.milliseconds),
            "createdBy": createdBy, "comment": comment,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: body) else { return await failed("cannot encode the silence") }
        let reply = await source.postSilence(Array(data))
        guard reply.status == 200, let id = (Self.json(reply.body) as? [String: Any])?["silenceID"] as? String else {
            return await failed(Self.apiError(reply.body))
        }
        return .seeOther("silences?done=created&id=\(id)")
    }

    /// `POST /ui/silences/expire` with the silence's `id`.
    func expireSilence(_ form: APIForm) async -> PageReply {
        guard let source = sources.alertmanager else { return render(status: 404, "Silences", page: "silences", base: "../", template: "silences", await silences(form)) }
        let id = form["id"] ?? ""
        let valid = id.count == 36 && id.allSatisfy { $0.isHexDigit || $0 == "-" }
        var reply = APIReply(status: 422, body: Array("silenceID must be a UUID".utf8), contentType: "text/plain")
        if valid { reply = await source.expireSilence(id: id) }
        guard reply.status == 200 else {
            return render(status: 400, "Silences", page: "silences", base: "../", template: "silences", await silences(APIForm(query: nil, body: []), error: Self.apiError(reply.body)))
        }
        return .seeOther("../silences?done=expired&id=\(id)")
    }

    /// An API answer's error text (Alertmanager answers a JSON string or plain text).
    static func apiError(_ body: [UInt8]) -> String {
        if let text = json(body) as? String { return text }
        if let object = json(body) as? [String: Any], let error = object["error"] as? String ?? object["message"] as? String { return error }
        return String(decoding: body.prefix(500), as: UTF8.self)
    }

    // MARK: Rollouts

    struct RolloutSummary { let id: String; let service: String; let version: String; let baseline: String?; let status: String; let traffic: String; let stage: String; let decision: String; let reason: String }
    struct DoraRow { let name: String; let value: String }
    struct RolloutsView { let available: Bool; let rollouts: [RolloutSummary]; let hasRollouts: Bool; let dora: [DoraRow]; let hasDora: Bool }

    static func data(_ answer: RolloutAnswer) -> [String: Any]? {
        switch answer {
        case .ok(let bytes), .created(let bytes), .status(_, let bytes): json(bytes) as? [String: Any]
        default: nil
        }
    }

    func rolloutSummaries() async -> [RolloutSummary] {
        guard let source = sources.rollouts, let data = Self.data(await source.listRollouts()) else { return [] }
        return ((data["rollouts"] as? [[String: Any]]) ?? []).map { item in
            let stage = item["stage"] as? [String: Any] ?? [:]
            return RolloutSummary(
                id: item["id"] as? String ?? "", service: item["service"] as? String ?? "", version: item["version"] as? String ?? "",
                baseline: item["baseline"] as? String, status: item["status"] as? String ?? "", traffic: Self.number(item["traffic"]),
                stage: "\(Self.number(stage["index"])) of \(Self.number(stage["count"]))", decision: item["decision"] as? String ?? "none",
                reason: item["reason"] as? String ?? "")
        }
    }

    func rollouts() async -> RolloutsView {
        let list = await rolloutSummaries()
        var dora: [DoraRow] = []
        if let source = sources.rollouts, let data = Self.data(await source.dora(window: nil)) {
            for key in ["promoted", "rolled_back", "active"] { dora.append(DoraRow(name: key.replacingOccurrences(of: "_", with: " "), value: Self.number(data[key]))) }
            for (name, figure) in ((data["figures"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let figure = figure as? [String: Any] else { continue }
                let value = figure["value"].flatMap { $0 is NSNull ? nil : Self.number($0) } ?? "no data"
                let met = (figure["met"] as? Bool).map { $0 ? " (target met)" : " (target missed)" } ?? ""
                dora.append(DoraRow(name: name.replacingOccurrences(of: "_", with: " "), value: "\(value) \(figure["unit"] as? String ?? "")\(met)"))
            }
        }
        return RolloutsView(available: sources.rollouts != nil, rollouts: list, hasRollouts: !list.isEmpty, dora: dora, hasDora: !dora.isEmpty)
    }

    struct StageRow { let number: Int; let traffic: String; let watch: String; let current: Bool }
    struct CheckRow { let name: String; let kind: String; let verdict: String; let value: String; let threshold: String; let summary: String }
    struct Strip { let name: String; let width: Int; let height: Int; let columns: [SampleStrip.Column]; let yTicks: [Chart.Tick]; let description: String }
    struct Change {
        let index: Int; let at: String; let event: String; let decision: String?; let stage: String; let traffic: String; let reason: String?
        let checks: [CheckRow]; let hasChecks: Bool; let strips: [Strip]; let vetoes: [String]; let hasVetoes: Bool
    }
    struct RolloutDetail {
        let service: String; let version: String; let baseline: String?; let `guard`: String; let plan: String; let status: String; let traffic: String
        let stages: [StageRow]; let history: [Change]
    }
    struct RolloutView { let rollout: RolloutDetail?; let error: String? }

    func rollout(id: String) async -> RolloutView {
        guard let source = sources.rollouts else { return RolloutView(rollout: nil, error: "Stored rollouts are not available.") }
        let answer = await source.rollout(id: id)
        guard let data = Self.data(answer) else {
            if case .notFound(let message) = answer { return RolloutView(rollout: nil, error: message) }
            return RolloutView(rollout: nil, error: "rollout \(id) cannot be read")
        }
        let currentIndex = ((data["stage"] as? [String: Any])?["index"] as? NSNumber)?.intValue ?? 0
        let active = data["status"] as? String == "active"
        let stages = ((data["stages"] as? [[String: Any]]) ?? []).enumerated().map { index, stage in
            StageRow(number: index + 1, traffic: Self.number(stage["traffic"]), watch: stage["watch"] as? String ?? "", current: active && index + 1 == currentIndex)
        }
        let history = ((data["history"] as? [[String: Any]]) ?? []).enumerated().reversed().map { index, event in
            Self.change(index: index, event)
        }
        let detail = RolloutDetail(
            service: data["service"] as? String ?? "", version: data["version"] as? String ?? "", baseline: data["baseline"] as? String,
            guard: data["guard"] as? String ?? "", plan: data["plan"] as? String ?? "", status: data["status"] as? String ?? "",
            traffic: Self.number(data["traffic"]), stages: stages, history: Array(history))
        return RolloutView(rollout: detail, error: nil)
    }

    static func change(index: Int, _ event: [String: Any]) -> Change {
        let evidence = event["evidence"] as? [String: Any] ?? [:]
        var checks: [CheckRow] = []
        var strips: [Strip] = []
        for check in (evidence["checks"] as? [[String: Any]]) ?? [] {
            let name = check["name"] as? String ?? ""
            var threshold = ""
            if let limit = check["threshold"] as? [String: Any] {
                threshold = "fails when \(limit["op"] as? String ?? "") \(number(limit["value"]))"
            }
            if let comparison = check["comparison"] as? [String: Any] {
                let canary = ((comparison["canary"] as? [String: Any])?["values"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
                let baseline = ((comparison["baseline"] as? [String: Any])?["values"] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
                if threshold.isEmpty {
                    threshold = "allowed increase ×\(number(comparison["allowed_increase"])), decrease ×\(number(comparison["allowed_decrease"]))"
                }
                if let strip = SampleStrip(canary: canary, baseline: baseline, title: name) {
                    strips.append(Strip(name: name, width: strip.width, height: strip.height, columns: strip.columns, yTicks: strip.yTicks, description: strip.description))
                }
            }
            let value = check["value"].map { $0 is NSNull ? "no data" : number($0) } ?? ""
            checks.append(CheckRow(
                name: name, kind: check["kind"] as? String ?? "", verdict: check["verdict"] as? String ?? "", value: value, threshold: threshold,
                summary: check["summary"] as? String ?? check["error"] as? String ?? ""))
        }
        let vetoes = ((evidence["vetoes"] as? [Any]) ?? []).map { veto -> String in
            if let text = veto as? String { return text }
            if let object = veto as? [String: Any] { return object["summary"] as? String ?? object["alert"] as? String ?? "\(object)" }
            return "\(veto)"
        }
        let decision = event["decision"] as? String
        return Change(
            index: index, at: (event["at"] as? String ?? "").replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC"),
            event: event["event"] as? String ?? "", decision: decision, stage: number(event["stage"]), traffic: number(event["traffic"]),
            reason: (event["reason"] as? String).flatMap { $0.isEmpty ? nil : $0 }, checks: checks, hasChecks: !checks.isEmpty, strips: strips, vetoes: vetoes,
            hasVetoes: !vetoes.isEmpty)
    }

    /// A JSON number as a short text.
    static func number(_ value: Any?) -> String {
        guard let number = value as? NSNumber else { return value.map { "\($0)" } ?? "" }
        let double = number.doubleValue
        if double == double.rounded(), abs(double) < 1e15 { return String(Int64(double)) }
        return Chart.human(double)
    }
}
