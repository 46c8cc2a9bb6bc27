// Tollgate — TollgateConfig: a configuration file shown with its secrets hidden.

import CurlHTTP
import Foundation
import Yams

extension TollgateConfig {
    /// Fields whose values are secrets wherever they appear (Prometheus's `Secret` fields,
    /// and Alertmanager's secrets and secret URLs of the built-in notifier's section).
    static let secretFields: Set<String> = [
        "password", "credentials", "bearer_token", "client_secret",
        "routing_key", "service_key", "auth_password", "auth_secret", "api_url", "slack_api_url",
        "secret_access_key", "session_token",
    ]

    /// The configuration text with every inline secret replaced by `<secret>`, as
    /// Prometheus shows a configuration (`/api/v1/status/config`): `password`,
    /// `credentials`, `bearer_token`, `client_secret`, Alertmanager's `routing_key`, `service_key`,
    /// `auth_password`, `auth_secret`, `api_url` and `slack_api_url`, CloudWatch's `secret_access_key` and `session_token`, a `tls_config`'s `key` and each of
    /// `http_headers`' `secrets`, the `url` of each `webhook_configs` and `rollout_webhooks`
    /// entry, and the password in any other URL's user information. File paths
    /// (`password_file`) stay visible.
    ///
    /// The text is parsed and written again, so comments and layout are not kept.
    /// - Parameter yaml: the configuration file's text.
    /// - Returns: the text without secrets; empty when it is not valid YAML (nothing is
    ///   shown rather than a secret).
    public static func redactingSecrets(_ yaml: String) -> String {
        guard let root = try? Yams.compose(yaml: yaml) else { return "" }
        return (try? Yams.serialize(node: redacting(root))) ?? ""
    }

    private static func redacting(_ node: Node, parent: String? = nil) -> Node {
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.map { pair -> (Node, Node) in
                let (key, value) = pair
                switch (key.string, value) {
                case (let name?, .scalar) where secretFields.contains(name) || (parent == "tls_config" && name == "key"):
                    return (key, hidden)
                case ("url"?, .scalar) where parent.map(secretURLSections.contains) == true:
                    return (key, hidden)
                case (let name?, .scalar(let scalar)) where name == "url" || name.hasSuffix("_url"):
                    return (key, .scalar(.init(hidingPassword(scalar.string), scalar.tag, scalar.style)))
                case ("secrets"?, .sequence(let items)):
                    return (key, .sequence(.init(items.map { _ in hidden }, items.tag, items.style)))
                default:
                    return (key, redacting(value, parent: key.string))
                }
            }
            return .mapping(.init(pairs, mapping.tag, mapping.style))
        case .sequence(let sequence):
            // A bare URL as an entry (`rollout_webhooks: [http://…]`) is hidden as a `url` is.
            let hideScalars = parent.map(secretURLSections.contains) == true
            return .sequence(.init(sequence.map { hideScalars && $0.scalar != nil ? hidden : redacting($0, parent: parent) }, sequence.tag, sequence.style))
        case .scalar, .alias:
            return node
        }
    }

    private static var hidden: Node { .scalar(.init("<secret>")) }

    /// Sections whose entries' `url` is a secret as a whole (a webhook URL often carries its
    /// token in its path or query), as Alertmanager shows a webhook's `url`.
    static let secretURLSections: Set<String> = ["webhook_configs", "rollout_webhooks"]

    /// A URL with the password of its user information replaced by `<secret>`, for logs,
    /// metric labels and shown configurations (`http://writer:<secret>@host/api/v1/write`).
    public static func hidingPassword(_ url: String) -> String { HTTPClient.hidingPassword(url) }
}
