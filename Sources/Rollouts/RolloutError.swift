// Tollgate — Rollouts: why a rollout request was not carried out.

/// Why a rollout request was not carried out; the HTTP layer maps each to a status.
public enum RolloutError: Error, Sendable, Equatable {
    /// The request is wrong (400), naming the field.
    case badData(String)
    /// No rollout of that id (404).
    case notFound(String)
    /// The rollout is not in a state that allows it (409), with the reason.
    case conflict(String)
    /// Nothing could be decided or stored (503).
    case unavailable(String)
    /// A limit refused the request (429): `reason` labels it in the rejection counter.
    case limit(reason: String, message: String)

    /// The message.
    public var message: String {
        switch self {
        case .badData(let text), .notFound(let text), .conflict(let text), .unavailable(let text), .limit(_, let text): text
        }
    }
}
