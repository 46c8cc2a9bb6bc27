// Tollgate — the notifier part: the built-in Alertmanager, its API v2, and its reloads.

import CurlHTTP
import HTTPAPI
import Logging
import Model
import Notifier
import Notify
import NotifySend
import ServiceLifecycle
import TollgateConfig

/// The built-in notifier: runs a ``Notifier/Notifier`` on the alertmanager.yml of each
/// configuration (tollgate.yml's `alertmanager:` section, or the file of
/// `--alertmanager.config`, which wins), and answers Alertmanager's API v2.
struct NotifierPart: ServerPart {
    let notifier: Notifier
    /// `--alertmanager.config`, when given.
    let configFile: String?
    /// What receivers are built with.
    let builder: NotifierBuilder
    /// `--web.max-alertmanager-size`: the largest body of the API v2's POSTs.
    let maxBodyBytes: Int
    var name: String { "notifier" }
    var services: [any Service] { [notifier] }
    var routes: [any RouteRegistrar] {
        [AlertmanagerRoutes(source: NotifierAPI(notifier: notifier), maxBodyBytes: maxBodyBytes, logger: Logger(label: "tollgate.notifier"))]
    }

    /// Reads and checks the alertmanager.yml `config` names (or the flag's file) before anything changes.
    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let file: AlertmanagerFile
        if let configFile {
            file = try AlertmanagerFile.load(path: configFile)
        } else if let settings = config.alertmanager {
            file = settings.file
        } else {
            file = try NotifierBuilder.idle()
        }
        let built = try builder.config(file)
        let notifier = notifier
        return ReloadStep { await notifier.apply(built) }
    }
}

/// Builds a ``Notifier/NotifierConfig`` from an alertmanager.yml: its templates read, each
/// receiver's integrations made over one HTTP client and one mail client.
struct NotifierBuilder: Sendable {
    let http: HTTPClient
    let mail: MailClient
    /// Alertmanager's `--web.external-url`: Tollgate's own external URL.
    let externalURL: String

    /// The configuration of `file`.
    /// - Throws: when a template file cannot be read or parsed.
    func config(_ file: AlertmanagerFile) throws -> NotifierConfig {
        let templates = try Receivers.templates(file.templates)
        return NotifierConfig(file: file, receivers: Receivers.integrations(for: file, templates: templates, externalURL: externalURL, http: http, mail: mail))
    }

    /// The alertmanager.yml of a server without one: every alert goes to a receiver that
    /// sends nothing, so the API still takes, lists and silences alerts.
    static func idle() throws -> AlertmanagerFile {
        try AlertmanagerFile(yaml: "route:\n  receiver: none\nreceivers:\n  - name: none\n", file: "<no alertmanager configuration>")
    }

    /// Sends one integration's notification with Alertmanager's retries and metrics.
    static func deliver(logger: Logger) -> Notifier.Deliver {
        { integration, context, alerts, deadline in
            await Retrier(receiver: context.receiver, integration: integration, logger: logger).notify(context, alerts: alerts, deadline: deadline).outcome
        }
    }
}
