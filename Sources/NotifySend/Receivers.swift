// Tollgate — NotifySend: a receiver's integrations, built from its configuration.

public import CurlHTTP
import Foundation
public import Notify
public import NotifyRender
public import TollgateConfig

/// Builds the integrations of alertmanager.yml's receivers.
///
/// ```swift
/// let file = try AlertmanagerFile.load(path: "alertmanager.yml")
/// let templates = try Receivers.templates(file.templates)
/// let byName = Receivers.integrations(for: file, templates: templates, externalURL: "http://am:9093", http: client)
/// for integration in byName["team"] ?? [] { … Retrier(receiver: "team", integration: integration) … }
/// ```
public enum Receivers {
    /// The template set of alertmanager.yml's `templates` globs: Alertmanager's defaults,
    /// then each file the globs name, in order.
    /// - Parameter globs: The `templates` entries.
    /// - Throws: `TemplateError` for a file that does not parse, or an error naming a file
    ///   that cannot be read.
    public static func templates(_ globs: [String]) throws -> TemplateSet {
        var files: [(name: String, text: String)] = []
        for path in TemplateFiles.paths(globs) {
            guard let data = FileManager.default.contents(atPath: path) else { throw UnreadableTemplate(path: path) }
            files.append((URL(fileURLWithPath: path).lastPathComponent, String(decoding: data, as: UTF8.self)))
        }
        return try TemplateSet(files: files)
    }

    /// A template file that could not be read.
    public struct UnreadableTemplate: Error, CustomStringConvertible {
        /// The file.
        public var path: String
        public var description: String { "open \(path): cannot read file" }
    }

    /// The integrations of one receiver in Alertmanager's order (webhooks, emails,
    /// PagerDuty, Slack), each numbered within its kind. What the receiver leaves unset
    /// comes from `global` (already filled in for a receiver read by ``AlertmanagerFile``).
    /// - Parameters:
    ///   - receiver: The receiver.
    ///   - global: alertmanager.yml's `global` section.
    ///   - templates: The notification templates.
    ///   - externalURL: Alertmanager's external URL (`--web.external-url`).
    ///   - http: The HTTP client the integrations share.
    ///   - mail: The SMTP client.
    /// - Returns: The integrations; none for a receiver without any.
    public static func integrations(
        for receiver: ReceiverConfig, global: AlertmanagerGlobal = AlertmanagerGlobal(), templates: TemplateSet, externalURL: String,
        http: HTTPClient, mail: MailClient = MailClient()
    ) -> [any Integration] {
        var all: [any Integration] = []
        for (index, var config) in receiver.webhookConfigs.enumerated() {
            if config.httpConfig == nil { config.httpConfig = global.httpConfig }
            all.append(WebhookIntegration(config: config, index: index, externalURL: externalURL, client: http))
        }
        for (index, config) in receiver.emailConfigs.enumerated() {
            all.append(EmailIntegration(config: filled(config, global), index: index, templates: templates, externalURL: externalURL, client: mail))
        }
        for (index, var config) in receiver.pagerdutyConfigs.enumerated() {
            if config.httpConfig == nil { config.httpConfig = global.httpConfig }
            all.append(
                PagerDutyIntegration(
                    config: config, index: index, templates: templates, externalURL: externalURL, client: http, defaultURL: global.pagerdutyURL))
        }
        for (index, var config) in receiver.slackConfigs.enumerated() {
            if config.httpConfig == nil { config.httpConfig = global.httpConfig }
            if config.apiURL == nil && config.appToken == nil { config.apiURL = global.slackAPIURL }
            all.append(SlackIntegration(config: config, index: index, templates: templates, externalURL: externalURL, client: http))
        }
        return all
    }

    /// Every receiver's integrations, by receiver name.
    /// - Parameters:
    ///   - file: alertmanager.yml, loaded.
    ///   - templates: The notification templates (``templates(_:)`` of `file.templates`).
    ///   - externalURL: Alertmanager's external URL.
    ///   - http: The HTTP client the integrations share.
    ///   - mail: The SMTP client.
    public static func integrations(
        for file: AlertmanagerFile, templates: TemplateSet, externalURL: String, http: HTTPClient, mail: MailClient = MailClient()
    ) -> [String: [any Integration]] {
        var byName: [String: [any Integration]] = [:]
        for receiver in file.receivers {
            byName[receiver.name] = integrations(
                for: receiver, global: file.global, templates: templates, externalURL: externalURL, http: http, mail: mail)
        }
        return byName
    }

    /// An email entry with what it leaves unset taken from the globals.
    static func filled(_ config: EmailConfig, _ global: AlertmanagerGlobal) -> EmailConfig {
        var config = config
        if config.smarthost.isEmpty { config.smarthost = global.smtpSmarthost }
        if config.from.isEmpty { config.from = global.smtpFrom }
        if config.hello.isEmpty { config.hello = global.smtpHello }
        if config.authUsername.isEmpty { config.authUsername = global.smtpAuthUsername }
        if config.authPassword == nil { config.authPassword = global.smtpAuthPassword }
        if config.authSecret == nil { config.authSecret = global.smtpAuthSecret }
        if config.authIdentity.isEmpty { config.authIdentity = global.smtpAuthIdentity }
        if config.requireTLS == nil { config.requireTLS = global.smtpRequireTLS }
        if config.tlsConfig == nil { config.tlsConfig = global.smtpTLSConfig }
        return config
    }
}
