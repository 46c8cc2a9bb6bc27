// Tollgate — Rollouts: the JSON bodies the rollouts API and Flagger's webhooks send, read strictly.

import Foundation
import Model
public import TollgateConfig

/// `POST /api/v1/rollouts`' body: `{"service","version","baseline"?,"guard","plan","commit_time"?}`.
public struct RolloutRequest: Sendable, Equatable {
    /// `service`, `version`, `baseline`.
    public var parameters: GuardParameters
    /// `guard`.
    public var guardName: String
    /// `plan`.
    public var planName: String
    /// `commit_time`: RFC 3339 or Unix seconds, as milliseconds.
    public var commitTime: Int64?

    /// Reads a body.
    /// - Throws: ``RolloutError/badData(_:)`` naming the field that is missing or wrong.
    public init(json body: [UInt8]) throws(RolloutError) {
        let object = try RolloutBody.object(body)
        let service = try RolloutBody.string(object, "service", required: true) ?? ""
        let version = try RolloutBody.string(object, "version", required: true) ?? ""
        let baseline = try RolloutBody.string(object, "baseline", required: false)
        parameters = GuardParameters(service: service, version: version, baseline: baseline)
        guardName = try RolloutBody.string(object, "guard", required: true) ?? ""
        planName = try RolloutBody.string(object, "plan", required: true) ?? ""
        commitTime = try RolloutBody.time(object, "commit_time")
        let known: Set<String> = ["service", "version", "baseline", "guard", "plan", "commit_time"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badData("unknown field '\(unknown)'; expected service, version, baseline, guard, plan, commit_time")
        }
    }
}

/// `POST /api/v1/rollouts/{id}/finish`'s body: `{"outcome":"promoted"|"rolled_back","reason"?}`.
public struct FinishRequest: Sendable, Equatable {
    /// `outcome`.
    public var outcome: RolloutStatus
    /// `reason`, if given.
    public var reason: String?

    /// Reads a body.
    /// - Throws: ``RolloutError/badData(_:)`` naming the field.
    public init(json body: [UInt8]) throws(RolloutError) {
        let object = try RolloutBody.object(body)
        let text = try RolloutBody.string(object, "outcome", required: true) ?? ""
        guard let outcome = RolloutStatus(rawValue: text), outcome != .active else {
            throw .badData("field 'outcome': \"\(text)\" is not promoted or rolled_back")
        }
        self.outcome = outcome
        reason = try RolloutBody.string(object, "reason", required: false)
    }
}

/// Flagger's webhook body: `{"name","namespace","phase","checksum"?,"metadata":{"guard","service"?,"version","baseline"?,"rollout"?}}`.
public struct FlaggerRequest: Sendable, Equatable {
    /// The Canary's name and namespace.
    public var name: String, namespace: String
    /// The Canary's phase (`Progressing`, …).
    public var phase: String
    /// `metadata.guard`.
    public var guardName: String
    /// `metadata.service` (default: the Canary's name), `metadata.version`, `metadata.baseline`.
    public var parameters: GuardParameters
    /// `metadata.rollout`: a stored rollout whose decision answers instead (watch windows included).
    public var rolloutID: String?

    /// Reads a body.
    /// - Throws: ``RolloutError/badData(_:)`` naming the field.
    public init(json body: [UInt8]) throws(RolloutError) {
        let object = try RolloutBody.object(body)
        name = try RolloutBody.string(object, "name", required: true) ?? ""
        namespace = try RolloutBody.string(object, "namespace", required: false) ?? ""
        phase = try RolloutBody.string(object, "phase", required: false) ?? ""
        guard let metadata = object["metadata"] as? [String: Any] else {
            throw .badData("field 'metadata' is missing or not an object; the webhook's metadata must name the guard and the version")
        }
        rolloutID = try RolloutBody.string(metadata, "rollout", required: false, prefix: "metadata.")
        guardName = try RolloutBody.string(metadata, "guard", required: rolloutID == nil, prefix: "metadata.") ?? ""
        let service = try RolloutBody.string(metadata, "service", required: false, prefix: "metadata.") ?? name
        let version = try RolloutBody.string(metadata, "version", required: rolloutID == nil, prefix: "metadata.") ?? ""
        let baseline = try RolloutBody.string(metadata, "baseline", required: false, prefix: "metadata.")
        parameters = GuardParameters(service: service, version: version, baseline: baseline)
    }
}

/// Reading fields of a JSON object with errors that name them.
enum RolloutBody {
    /// The largest body read (the HTTP layer enforces it too).
    static let maxBytes = 1 << 20

    static func object(_ body: [UInt8]) throws(RolloutError) -> [String: Any] {
        guard !body.isEmpty else { throw .badData("the request body is empty; expected a JSON object") }
        guard body.count <= maxBytes else { throw .badData("the request body is larger than \(maxBytes) bytes") }
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(body)), let object = parsed as? [String: Any] else {
            throw .badData("the request body is not a JSON object")
        }
        return object
    }

    /// A string field: nil when absent (or null, or empty and not required).
    static func string(_ object: [String: Any], _ field: String, required: Bool, prefix: String = "") throws(RolloutError) -> String? {
        let value = object[field]
        if value == nil || value is NSNull {
            if required { throw .badData("missing field '\(prefix)\(field)'") }
            return nil
        }
        guard let text = value as? String else { throw .badData("field '\(prefix)\(field)' must be a string") }
        guard text.utf8.count <= 1024 else { throw .badData("field '\(prefix)\(field)' is longer than 1024 bytes") }
        if text.isEmpty {
            if required { throw .badData("field '\(prefix)\(field)' must not be empty") }
            return nil
        }
        return text
    }

    /// A time: RFC 3339 text or Unix seconds (a number or its text), as milliseconds.
    static func time(_ object: [String: Any], _ field: String) throws(RolloutError) -> Int64? {
        switch object[field] {
        case nil, is NSNull: return nil
        case let text as String:
            guard let time = Timestamp.parse(text) else { throw .badData("field '\(field)': cannot parse \"\(text.prefix(64))\" as RFC 3339 or Unix seconds") }
            return time
        case let number as NSNumber:
            let seconds = number.doubleValue
            guard seconds.isFinite, abs(seconds) < 1e11 else { throw .badData("field '\(field)': \(seconds) is not a Unix time in seconds") }
            return Int64((seconds * 1000).rounded())
        default:
            throw .badData("field '\(field)' must be RFC 3339 text or Unix seconds")
        }
    }
}
