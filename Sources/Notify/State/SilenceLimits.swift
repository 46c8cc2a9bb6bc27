// Tollgate — Notify: the limits on silences, as Alertmanager's flags set them.

import Model

/// Alertmanager's `--silences.max-silences` and `--silences.max-silence-size-bytes`: a new
/// silence beyond the count, or any silence beyond the size, is refused with 400 and
/// Alertmanager's message. 0 is no limit, as in Alertmanager.
public struct SilenceLimits: Sendable, Equatable {
    /// The most silences not yet expired (active and pending); 0: no limit.
    public var maxSilences = 0
    /// The largest silence, in bytes (see ``size(of:)``); 0: no limit.
    public var maxSilenceSizeBytes = 0

    /// No limits.
    public init() {}

    /// Limits with these values.
    public init(maxSilences: Int, maxSilenceSizeBytes: Int) {
        self.maxSilences = maxSilences
        self.maxSilenceSizeBytes = maxSilenceSizeBytes
    }

    /// A silence's size: the bytes of its matchers' names and values, its author and its
    /// comment, plus its id (Alertmanager measures its stored protobuf form, a few dozen
    /// bytes more for the times and field tags).
    public static func size(of silence: Silence) -> Int {
        silence.matchers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
            + silence.createdBy.utf8.count + silence.comment.utf8.count + silence.id.utf8.count
    }
}
