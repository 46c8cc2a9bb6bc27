// Tollgate — Notify: the body of `POST /api/v2/silences`, read and checked as Alertmanager does.

import Model

/// `POST /api/v2/silences`: `{id?, matchers:[{name, value, isRegex, isEqual?}], startsAt,
/// endsAt, createdBy, comment}`.
///
/// ``decode(_:now:)`` goes through Alertmanager's stages in its order: Go's decoder (400
/// `parsing silence body …`), the OpenAPI checks (422: `comment`, `createdBy`, `endsAt`,
/// `matchers` with at least one item, each matcher's `isRegex`, `name`, `value`, then
/// `startsAt`, the first failure only), the handler (400 `Failed to create silence: start
/// time must be before end time`, `… end time can't be in the past`), then the silence
/// store's own validation (400 `silence invalid: …`). An `id` that names no silence is the
/// store's 404 (`silence not found`), not this decoder's.
public enum PostableSilence {
    /// Decodes and checks a posted silence.
    /// - Parameters:
    ///   - body: the request body.
    ///   - now: the time of receipt, milliseconds (an `endsAt` before it is refused).
    /// - Returns: the silence (`id` "" for a new one, `updatedAt` 0), or the refusal.
    public static func decode(_ body: [UInt8], now: Int64) -> Result<Silence, APIv2Error> {
        let members: [(String, GoJSON)]
        switch GoJSON.parse(body) {
        case .failure(let error):
            if error.description == "EOF" { return .failure(.required("silence")) }
            return .failure(.parsing("silence", error.description))
        case .success(.null): return .failure(.required("silence"))
        case .success(.object(let object)): members = object
        case .success(let other):
            return .failure(.parsing("silence", #"json: cannot unmarshal \#(other.kind) into Go value of type struct { ID string "json:\"id,omitempty\"" }"#))
        }
        var posted = Posted()
        if let error = posted.fill(members) { return .failure(.parsing("silence", error)) }
        guard let comment = posted.comment else { return .failure(.required("comment")) }
        guard let createdBy = posted.createdBy else { return .failure(.required("createdBy")) }
        guard let endsAt = posted.endsAt else { return .failure(.required("endsAt")) }
        guard let rawMatchers = posted.matchers else { return .failure(.required("matchers")) }
        guard !rawMatchers.isEmpty else { return .failure(.minItems("matchers", 1)) }
        for (index, matcher) in rawMatchers.enumerated() {
            if matcher.isRegex == nil { return .failure(.required("matchers.\(index).isRegex")) }
            if matcher.name == nil { return .failure(.required("matchers.\(index).name")) }
            if matcher.value == nil { return .failure(.required("matchers.\(index).value")) }
        }
        guard let startsAt = posted.startsAt else { return .failure(.required("startsAt")) }
        if startsAt >= endsAt { return .failure(.badRequest("Failed to create silence: start time must be before end time")) }
        if endsAt < now { return .failure(.badRequest("Failed to create silence: end time can't be in the past")) }
        var matchers: [LabelMatcher] = []
        for (index, raw) in rawMatchers.enumerated() {
            let name = raw.name ?? "", value = raw.value ?? "", regex = raw.isRegex ?? false, equal = raw.isEqual ?? true
            let invalid = "silence invalid: invalid label matcher \(index): "
            guard SeriesText.isLegacyLabelName(name) else { return .failure(.badRequest(invalid + "invalid label name \(GoString.quote(name))")) }
            let kind: LabelMatcher.Kind = regex ? (equal ? .regex : .notRegex) : (equal ? .equal : .notEqual)
            do {
                matchers.append(try LabelMatcher(kind, name, value))
            } catch {
                return .failure(.badRequest(invalid + "invalid regular expression \(GoString.quote(value)): \(error.description)"))
            }
        }
        if matchers.allSatisfy(\.matchesEmpty) {
            return .failure(.badRequest("silence invalid: at least one matcher must not match the empty string"))
        }
        return .success(
            Silence(id: posted.id, matchers: matchers, startsAt: startsAt, endsAt: endsAt, updatedAt: 0, createdBy: createdBy, comment: comment))
    }

    /// One matcher as decoded (nil: not given).
    struct PostedMatcher {
        var name: String?
        var value: String?
        var isRegex: Bool?
        var isEqual: Bool?
    }

    /// The body as Go's decoder fills `postableSilence` (its `ID` half, then its `Silence` half).
    struct Posted {
        var id = ""
        var comment: String?
        var createdBy: String?
        var startsAt: Int64?
        var endsAt: Int64?
        var matchers: [PostedMatcher]?

        /// Fills the fields; returns Go's error text when a value does not fit.
        mutating func fill(_ members: [(String, GoJSON)]) -> String? {
            for (key, value) in members where key.lowercased() == "id" {
                switch value {
                case .null: continue
                case .string(let text): id = text
                default: return "json: cannot unmarshal \(value.kind) into Go struct field .id of type string"
                }
            }
            var saved: String?
            func typeError(_ kind: String, _ field: String, _ type: String) {
                if saved == nil { saved = "json: cannot unmarshal \(kind) into Go struct field \(field) of type \(type)" }
            }
            for (key, value) in members {
                switch key.lowercased() {
                case "comment", "createdby":
                    let text: String?
                    switch value {
                    case .null: text = nil
                    case .string(let string): text = string
                    default:
                        typeError(value.kind, "Silence.\(key.lowercased() == "comment" ? "comment" : "createdBy")", "string")
                        continue
                    }
                    if key.lowercased() == "comment" { comment = text } else { createdBy = text }
                case "startsat", "endsat":
                    let field = key.lowercased() == "startsat" ? "startsAt" : "endsAt"
                    let ms: Int64?
                    switch value {
                    case .null: ms = nil
                    case .string(let text):
                        switch GoDateTime.parse(text) {
                        case .success(let parsed): ms = parsed
                        case .failure(let error): return error.description
                        }
                    default: return "json: cannot unmarshal \(value.kind) into Go struct field Silence.\(field) of type string"
                    }
                    if field == "startsAt" { startsAt = ms } else { endsAt = ms }
                case "matchers":
                    switch value {
                    case .null: matchers = nil
                    case .array(let elements):
                        var list: [PostedMatcher] = []
                        for element in elements {
                            var matcher = PostedMatcher()
                            switch element {
                            case .null: break
                            case .object(let fields):
                                for (name, item) in fields {
                                    let field = name.lowercased()
                                    switch (field, item) {
                                    case (_, .null): continue
                                    case ("name", .string(let text)): matcher.name = text
                                    case ("value", .string(let text)): matcher.value = text
                                    case ("isregex", .bool(let flag)): matcher.isRegex = flag
                                    case ("isequal", .bool(let flag)): matcher.isEqual = flag
                                    case ("name", _), ("value", _): typeError(item.kind, "Matcher.matchers.\(field)", "string")
                                    case ("isregex", _): typeError(item.kind, "Matcher.matchers.isRegex", "bool")
                                    case ("isequal", _): typeError(item.kind, "Matcher.matchers.isEqual", "bool")
                                    default: continue
                                    }
                                }
                            default: typeError(element.kind, "Silence.matchers", "models.Matcher")
                            }
                            list.append(matcher)
                        }
                        matchers = list
                    default: typeError(value.kind, "Silence.matchers", "models.Matchers")
                    }
                default: continue
                }
            }
            return saved
        }
    }
}
