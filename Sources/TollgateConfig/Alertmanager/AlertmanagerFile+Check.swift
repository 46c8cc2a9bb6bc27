// Tollgate — TollgateConfig: alertmanager.yml's checks across sections, and the globals filled in.

import Yams

extension AlertmanagerFile {
    /// Fills what receivers leave unset from `global`, as Alertmanager does when it loads
    /// the file; a value neither gives is a problem (`no global SMTP smarthost set`).
    mutating func fillGlobals(reader: NodeReader) {
        let global = self.global
        let fail = { (line: Int?, field: String, message: String) in
            reader.record(ConfigError(file: reader.file, line: line, field: field, message: message))
        }
        var seen: Set<String> = []
        for index in receivers.indices {
            let field = "receivers[\(index)]"
            let line = receivers[index].line
            if !seen.insert(receivers[index].name).inserted {
                fail(line, "\(field).name", "notification config name \"\(receivers[index].name)\" is not unique")
            }
            for entry in receivers[index].webhookConfigs.indices where receivers[index].webhookConfigs[entry].httpConfig == nil {
                receivers[index].webhookConfigs[entry].httpConfig = global.httpConfig
            }
            for entry in receivers[index].emailConfigs.indices {
                var email = receivers[index].emailConfigs[entry]
                if email.tlsConfig == nil { email.tlsConfig = global.smtpTLSConfig }
                if email.smarthost.isEmpty {
                    if global.smtpSmarthost.isEmpty { fail(line, "\(field).email_configs[\(entry)]", "no global SMTP smarthost set") }
                    email.smarthost = global.smtpSmarthost
                }
                if email.from.isEmpty {
                    if global.smtpFrom.isEmpty { fail(line, "\(field).email_configs[\(entry)]", "no global SMTP from set") }
                    email.from = global.smtpFrom
                }
                if email.hello.isEmpty { email.hello = global.smtpHello }
                if email.authUsername.isEmpty { email.authUsername = global.smtpAuthUsername }
                if email.authPassword == nil { email.authPassword = global.smtpAuthPassword }
                if email.authSecret == nil { email.authSecret = global.smtpAuthSecret }
                if email.authIdentity.isEmpty { email.authIdentity = global.smtpAuthIdentity }
                if email.requireTLS == nil { email.requireTLS = global.smtpRequireTLS }
                receivers[index].emailConfigs[entry] = email
            }
            for entry in receivers[index].slackConfigs.indices {
                var slack = receivers[index].slackConfigs[entry]
                if slack.httpConfig == nil { slack.httpConfig = global.httpConfig }
                if slack.apiURL == nil && slack.appToken == nil {
                    if global.slackAPIURL == nil {
                        fail(line, "\(field).slack_configs[\(entry)]", "no global Slack API URL set either inline or in a file")
                    }
                    slack.apiURL = global.slackAPIURL
                }
                receivers[index].slackConfigs[entry] = slack
            }
            for entry in receivers[index].pagerdutyConfigs.indices {
                var pagerduty = receivers[index].pagerdutyConfigs[entry]
                if pagerduty.httpConfig == nil { pagerduty.httpConfig = global.httpConfig }
                if pagerduty.url == nil { pagerduty.url = global.pagerdutyURL }
                receivers[index].pagerdutyConfigs[entry] = pagerduty
            }
        }
    }

    /// The checks of the routing tree against the rest of the file.
    func check(routeNode: Node?, reader: NodeReader) {
        let fail = { (line: Int?, field: String, message: String) in
            reader.record(ConfigError(file: reader.file, line: line, field: field, message: message))
        }
        guard let routeNode else {
            fail(nil, "route", "no route provided in config")
            return
        }
        let line = route.line ?? routeNode.mark?.line
        if route.continue { fail(line, "route.continue", "cannot have continue in root route") }
        if route.receiver == nil { fail(line, "route.receiver", "root route must specify a default receiver") }
        if route.hasMatchers { fail(line, "route", "root route must not have any matchers") }
        if !route.muteTimeIntervals.isEmpty { fail(line, "route.mute_time_intervals", "root route must not have any mute time intervals") }
        if !route.activeTimeIntervals.isEmpty { fail(line, "route.active_time_intervals", "root route must not have any active time intervals") }
        let receiverNames = Set(receivers.map(\.name))
        var intervalNames: Set<String> = []
        for interval in muteTimeIntervals where !intervalNames.insert(interval.name).inserted {
            fail(interval.line, "mute_time_intervals", "mute time interval \"\(interval.name)\" is not unique")
        }
        for interval in timeIntervals where !intervalNames.insert(interval.name).inserted {
            fail(interval.line, "time_intervals", "time interval \"\(interval.name)\" is not unique")
        }
        route.walk { node in
            if let receiver = node.receiver, !receiverNames.contains(receiver) {
                fail(node.line, "\(node.field).receiver", "undefined receiver \"\(receiver)\" used in route")
            }
            for name in node.activeTimeIntervals + node.muteTimeIntervals where !intervalNames.contains(name) {
                fail(node.line, node.field, "undefined time interval \"\(name)\" used in route")
            }
        }
    }
}
