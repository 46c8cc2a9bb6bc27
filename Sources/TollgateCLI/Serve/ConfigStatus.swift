// Tollgate — what the status API says about the configuration: the running one.

import Foundation
import HTTPAPI
import Synchronization
import TollgateConfig

/// The configuration the server runs and the outcome of the last load, for
/// `/api/v1/status/config` and `runtimeinfo`: after a failed reload both still describe
/// the running configuration (its text and when it was loaded), and `reloadConfigSuccess`
/// turns false until a reload succeeds, as in Prometheus.
final class ConfigStatus: Sendable {
    private struct State {
        var text: String
        var loaded: Date
        var lastAttemptSucceeded = true
    }

    private let state: Mutex<State>

    /// The configuration file's text the server starts with (nil: the embedded default).
    init(text: String?, loaded: Date) {
        let shown = text.map(TollgateConfig.redactingSecrets) ?? "# the embedded default configuration\n"
        state = Mutex(State(text: shown, loaded: loaded))
    }

    /// A configuration now runs: its text (secrets hidden here) and when it was loaded.
    func succeeded(text: String, at time: Date) {
        let shown = TollgateConfig.redactingSecrets(text)
        state.withLock { $0 = State(text: shown, loaded: time) }
    }

    /// A reload failed: the running configuration stays as it was.
    func failed() { state.withLock { $0.lastAttemptSucceeded = false } }

    /// The running configuration's text.
    var runningText: String { state.withLock { $0.text } }

    /// The last attempt's outcome and when the running configuration was loaded.
    var reloadState: StatusInfo.ReloadState {
        state.withLock { StatusInfo.ReloadState(successful: $0.lastAttemptSucceeded, time: $0.loaded) }
    }
}
