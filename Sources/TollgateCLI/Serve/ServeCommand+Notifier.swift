// Tollgate — `serve`'s notifier part: the built-in Alertmanager, fed by the rule groups.

import AlertDispatch
import CurlHTTP
import Logging
import Model
import Notifier
import Notify
import NotifySend
import Rules
import TollgateConfig

extension ServeCommand {
    /// The notifier part: its state in the data directory, its first configuration from
    /// `--alertmanager.config` or `settings`' `alertmanager:` section (a receiver that
    /// sends nothing when neither is given), and every alert the rule groups send.
    /// - Throws: when the configuration, the state file or the HTTP client cannot be used.
    func notifierPart(settings: TollgateConfig?, dispatcher: AlertDispatcher, externalURL: String) async throws -> NotifierPart {
        let logger = Logger(label: "tollgate.notifier")
        NotificationMetrics().register()
        let builder = NotifierBuilder(http: try HTTPClient(), mail: MailClient(), externalURL: externalURL)
        let file = try rules.notifierConfig.map { path throws(ConfigError) in try AlertmanagerFile.load(path: path) }
            ?? settings?.alertmanager?.file ?? NotifierBuilder.idle()
        let notifier = try await Notifier(
            config: try builder.config(file), database: try NotifierDatabase(directory: dataDir), deliver: NotifierBuilder.deliver(logger: logger),
            limits: limits.notifier, logger: logger)
        await dispatcher.addReceiver { alerts in
            await notifier.receive(
                alerts.map {
                    NotifierAlert(labels: $0.labels, annotations: $0.annotations, startsAt: $0.startsAt, endsAt: $0.endsAt, generatorURL: $0.generatorURL)
                })
        }
        return NotifierPart(notifier: notifier, configFile: rules.notifierConfig, builder: builder, maxBodyBytes: limits.alertmanagerBytes)
    }
}
