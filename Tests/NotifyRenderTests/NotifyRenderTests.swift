// Tollgate — NotifyRender tests: data, methods, functions, default templates and message bodies.

import GoTemplate
import Testing

@testable import NotifyRender

/// A group of two firing alerts and one resolved, at a fixed time.
func sampleData(receiver: String = "team-x") -> NotificationData {
    let start: Int64 = 1_700_000_000_000_000_000
    let alerts = [
        NotificationAlert(
            labels: ["alertname": "HighErrorRate", "service": "checkout", "severity": "critical", "env": "prod"],
            annotations: ["summary": "5xx > 5% <on> checkout & co"], startsAt: start, endsAt: start + 3_600_000_000_000,
            generatorURL: "http://prom:9090/graph?g0.expr=up&g0.tab=1"),
        NotificationAlert(
            labels: ["alertname": "HighErrorRate", "service": "cart", "severity": "critical", "env": "prod"], annotations: ["summary": "cart"],
            startsAt: start, endsAt: start + 3_600_000_000_000),
        NotificationAlert(
            labels: ["alertname": "HighErrorRate", "service": "search", "severity": "critical", "env": "prod"], startsAt: start,
            endsAt: start + 60_000_000_000),
    ]
    return NotificationData(
        receiver: receiver, groupLabels: ["alertname": "HighErrorRate"], alerts: alerts, externalURL: "http://am.example:9093",
        now: start + 120_000_000_000)
}

@Suite struct NotificationDataTests {
    @Test func fingerprintIsFNV1aOverSortedLabels() {
        // Alertmanager's fingerprint of {alertname="test"} (model.LabelSet.Fingerprint): FNV-1a 64, 0xFF separators.
        #expect(NotificationAlert.fingerprint([:]) == "cbf29ce484222325")
        // Fingerprints Alertmanager 0.25 reported for these label sets in its webhook.
        #expect(NotificationAlert.fingerprint(["alertname": "HighErrorRate", "service": "checkout", "severity": "critical"]) == "7d2d332feada5c59")
        #expect(NotificationAlert.fingerprint(["alertname": "HighErrorRate", "service": "cart", "severity": "critical"]) == "81d9aa8e049474cb")
        #expect(NotificationAlert.fingerprint(["a": "b"]) != NotificationAlert.fingerprint(["a": "c"]))
        #expect(NotificationAlert.fingerprint(["a": "b", "c": "d"]).count == 16)
    }

    @Test func statusCommonLabelsAndQuotedReceiver() {
        let data = sampleData(receiver: "team.x")
        #expect(data.receiver == #"team\.x"#)
        #expect(data.status == "firing")
        #expect(data.firing.count == 2 && data.resolved.count == 1)
        #expect(data.commonLabels == ["alertname": "HighErrorRate", "severity": "critical", "env": "prod"])
        #expect(data.commonAnnotations.isEmpty)
        #expect(data.alerts[0].endsAt == nil)
        #expect(data.alerts[2].endsAt != nil)
    }

    @Test func methods() throws {
        let templates = try TemplateSet()
        let data = sampleData()
        #expect(try templates.expand(text: "{{ .CommonLabels.SortedPairs.Names | join \",\" }}", data: data) == "alertname,env,severity")
        #expect(try templates.expand(text: "{{ (.CommonLabels.Remove .GroupLabels.Names).Values | join \",\" }}", data: data) == "prod,critical")
        #expect(try templates.expand(text: "{{ range .Alerts.Resolved }}{{ .Labels.service }}{{ end }}", data: data) == "search")
        #expect(try templates.expand(text: "{{ len .Alerts.Firing }} {{ .Alerts.Firing.Resolved | len }}", data: data) == "2 0")
        #expect(try templates.expand(text: "{{ .CommonLabels.missing }}|", data: data) == "|")
    }
}

@Suite struct TemplateFunctionTests {
    let templates: TemplateSet
    let data = sampleData()
    init() throws { templates = try TemplateSet(now: { 1_700_000_000_000_000_000 + 90_000_000_000 }) }

    @Test(arguments: [
        ("{{ \"abc\" | toUpper }}", "ABC"), ("{{ \"ABC\" | toLower }}", "abc"), ("{{ \"hello wor-ld\" | title }}", "Hello Wor-Ld"),
        ("{{ \"  x \\n\" | trimSpace }}", "x"), ("{{ stringSlice \"a\" \"b\" | join \"+\" }}", "a+b"), ("{{ match \"^a.c$\" \"abc\" }}", "true"),
        ("{{ reReplaceAll \"(a)b\" \"${1}x\" \"abab\" }}", "axax"), ("{{ reReplaceAll \"(a)b\" \"$1x\" \"abab\" }}", ""), ("{{ \"a%20b+c\" | urlUnescape }}", "a b c"),
        ("{{ (index .Alerts 0).StartsAt | date \"2006-01-02 15:04\" }}", "2023-11-14 22:13"),
        ("{{ (index .Alerts 0).StartsAt | since }}", "1m30s"), ("{{ humanizeDuration 90 }}", "1m 30s"),
        ("{{ (index .Alerts 0).StartsAt | tz \"UTC\" | date \"15:04\" }}", "22:13"),
    ])
    func function(_ text: String, _ expected: String) throws {
        #expect(try templates.expand(text: text, data: data) == expected)
    }

    @Test func errorsAndEmptyText() throws {
        #expect(try templates.expand(text: "", data: data) == "")
        #expect(throws: TemplateError.self) { try templates.expand(text: "{{ join \",\" 3 }}", data: data) }
        #expect(throws: TemplateError.self) { try templates.expand(text: "{{ nosuch }}", data: data) }
        #expect(throws: TemplateError.self) { try templates.expand(text: "{{ \"%zz\" | urlUnescape }}", data: data) }
    }

    @Test func userFilesOverrideDefaults() throws {
        let set = try TemplateSet(files: [("a.tmpl", #"{{ define "__alertmanager" }}Tollgate{{ end }}{{ define "mine" }}[{{ template "__subject" . }}]{{ end }}"#)])
        #expect(try set.execute(name: "slack.default.username", data: data) == "Tollgate")
        #expect(try set.execute(name: "mine", data: data) == "[[FIRING:2] HighErrorRate (prod critical)]")
        #expect(throws: TemplateError.self) { try TemplateSet(files: [("bad.tmpl", "{{ if }}")]) }
    }
}

@Suite struct DefaultTemplateTests {
    @Test func subjectAndLinks() throws {
        let templates = try TemplateSet()
        let data = sampleData(receiver: "team x")
        #expect(try templates.execute(name: "__subject", data: data) == "[FIRING:2] HighErrorRate (prod critical)")
        #expect(try templates.execute(name: "slack.default.titlelink", data: data) == "http://am.example:9093/#/alerts?receiver=team+x")
        #expect(try templates.execute(name: "slack.default.fallback", data: data).hasSuffix(" | http://am.example:9093/#/alerts?receiver=team+x"))
        let list = try templates.expand(text: #"{{ template "__text_alert_list" .Alerts.Resolved }}"#, data: data)
        #expect(list == "Labels:\n - alertname = HighErrorRate\n - env = prod\n - service = search\n - severity = critical\nAnnotations:\nSource: \n")
    }

    @Test func htmlIsEscapedByContext() throws {
        let templates = try TemplateSet()
        let html = try templates.expandHTML(text: #"{{ template "email.default.html" . }}"#, data: sampleData())
        #expect(html.contains("summary = 5xx &gt; 5% &lt;on&gt; checkout &amp; co"))
        #expect(html.contains(#"href="http://prom:9090/graph?g0.expr=up&amp;g0.tab=1""#))
        #expect(!html.contains("<!--"))
        #expect(HTMLEscaper.escapeURL("a b&c") == "a%20b%26c")
        #expect(HTMLEscaper.filterURL("javascript:alert(1)") == "#ZgotmplZ")
    }
}

@Suite struct MessageBodyTests {
    @Test func webhookTruncatesAndEncodesAsGo() {
        let context = NotificationContext(receiver: "r", groupKey: "{}:{alertname=\"X\"}", groupLabels: ["alertname": "X"], externalURL: "http://am")
        let alerts = (0..<3).map { NotificationAlert(labels: ["alertname": "X", "i": "\($0)"], startsAt: 1_000_000_000) }
        let body = WebhookMessage.body(config: .init(maxAlerts: 2), context: context, alerts: alerts, now: 2_000_000_000)
        #expect(body["truncatedAlerts"] == .int(1))
        if case .array(let sent)? = body["alerts"] { #expect(sent.count == 2) } else { Issue.record("no alerts") }
        #expect(body.encoded.contains(#""groupKey":"{}:{alertname=\"X\"}""#))
        #expect(body.encoded.hasSuffix("}\n"))
        #expect(GoJSON.string("<a&b>").encoded == "\"\\u003ca\\u0026b\\u003e\"\n")
        #expect(GoJSON.time(nil) == .string("0001-01-01T00:00:00Z"))
    }

    @Test func pagerDutyV2AndV1() throws {
        let templates = try TemplateSet()
        let data = sampleData()
        let v2 = try PagerDutyMessage.body(config: .init(routingKey: "key"), data: data, groupKey: "{}:{}", templates: templates)
        #expect(v2["event_action"] == .string("trigger"))
        #expect(v2["dedup_key"] == .string(PagerDutyMessage.dedupKey("{}:{}")))
        #expect(PagerDutyMessage.dedupKey("").hasPrefix("e3b0c44298fc1c149afbf4c8996fb924"))
        #expect(v2["payload"]?["summary"] == .string("[FIRING:2] HighErrorRate (prod critical)"))
        #expect(v2["payload"]?["severity"] == .string("error"))
        #expect(v2["payload"]?["source"] == .string("Alertmanager"))
        #expect(v2["payload"]?["custom_details"]?["num_firing"] == .string("2"))
        let v1 = try PagerDutyMessage.body(config: .init(serviceKey: "svc"), data: data, groupKey: "{}:{}", templates: templates)
        #expect(v1["event_type"] == .string("trigger") && v1["payload"] == .null && v1["service_key"] == .string("svc"))
        #expect(PagerDutyMessage.truncate(String(repeating: "x", count: 1030), 1024).unicodeScalars.count == 1024)
        #expect(PagerDutyMessage.truncate(String(repeating: "x", count: 1030), 1024).hasSuffix("x…"))
    }

    @Test func slackAttachment() throws {
        let body = try SlackMessage.body(config: .init(channel: "#ops"), data: sampleData(), templates: try TemplateSet())
        #expect(body["channel"] == .string("#ops") && body["username"] == .string("Alertmanager"))
        guard case .array(let attachments)? = body["attachments"], let first = attachments.first else {
            Issue.record("no attachment")
            return
        }
        #expect(first["color"] == .string("danger"))
        #expect(first["title"] == .string("[FIRING:2] HighErrorRate (prod critical)"))
        #expect(first["mrkdwn_in"] == .array([.string("fallback"), .string("pretext"), .string("text")]))
    }

    @Test func emailMIME() throws {
        var config = EmailMessageConfig(to: "ops@example.com", from: "am@example.com")
        config.text = "é = {{ .Status }}   \nnext"
        let message = try EmailMessage(config: config, data: sampleData(), templates: try TemplateSet())
        #expect(message.header("Subject") == "[FIRING:2] HighErrorRate (prod critical)")
        #expect(message.header("To") == "ops@example.com")
        let mime = message.mime(boundary: "b", date: EmailMessage.rfc1123Z(nanoseconds: 0), messageID: "<1.2@h>")
        #expect(mime.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(mime.contains("\r\n\r\n=C3=A9 =3D firing  =20\r\nnext\r\n--b\r\n"))
        #expect(mime.hasSuffix("\r\n--b--\r\n"))
        #expect(MIMEEncoding.qEncodeHeader("Grüße") == "=?utf-8?q?Gr=C3=BC=C3=9Fe?=")
        #expect(MIMEEncoding.quotedPrintable(String(repeating: "a", count: 80)) == String(repeating: "a", count: 75) + "=\r\naaaaa")
    }
}
