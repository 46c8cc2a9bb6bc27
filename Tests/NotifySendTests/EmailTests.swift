// Tollgate — NotifySend tests: email through a real SMTP server (aiosmtpd) on loopback: plain,
// STARTTLS with a self-signed certificate, AUTH, implicit TLS, rejected recipients.

import CurlHTTP
import Foundation
import Model
import Notify
import NotifyRender
import TestSupport
import Testing
import TollgateConfig

@testable import NotifySend

struct EmailTests {
    let scratch = TemporaryDirectories()

    /// Runs `body` with a started SMTP stand-in (given `arguments`), or skips.
    func withSMTP(_ arguments: (URL) -> [String] = { _ in [] }, _ body: (StandIn, URL) async throws -> Void) async throws {
        if let reason = StandIn.skipReason(smtp: true) {
            print("skipping the SMTP tests: \(reason)")
            return
        }
        let directory = try scratch.make("notify-smtp")
        try Self.makeCertificate(in: directory)
        let standIn = try await StandIn.launch("smtp.py", in: directory, arguments: arguments(directory))
        defer { standIn.stop() }
        try await body(standIn, directory)
    }

    /// A self-signed certificate for 127.0.0.1 and localhost: `cert.pem`, `key.pem`.
    static func makeCertificate(in directory: URL) throws {
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", directory.appendingPathComponent("key.pem").path, "-out", directory.appendingPathComponent("cert.pem").path,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw StandInError(description: "openssl req failed") }
    }

    /// The receiver `team-ops` of an alertmanager.yml with one email entry written as `entry`.
    func emailIntegration(_ entry: String, global: String = "") throws -> EmailIntegration {
        let yaml = """
            global:
              smtp_from: 'Alertmanager <am@example.com>'
            \(global)
            route: {receiver: team-ops}
            receivers:
            - name: team-ops
              email_configs:
              - \(entry)
            """
        let file = try AlertmanagerFile(yaml: yaml, file: "am.yml")
        let client = try HTTPClient()
        defer { client.shutdown() }
        let integrations = Receivers.integrations(for: file, templates: try TemplateSet(), externalURL: "http://am.example:9093", http: client)
        return try #require(integrations["team-ops"]?.first as? EmailIntegration)
    }

    /// The mails the stand-in received: envelope and message.
    func mails(_ standIn: StandIn) throws -> [(envelope: [String: Any], message: String)] {
        try standIn.files("mail-", ".json").map { url in
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
            let eml = url.deletingPathExtension().appendingPathExtension("eml")
            return (envelope, try String(contentsOf: eml, encoding: .utf8))
        }
    }

    /// The message's headers (unfolded), by name.
    func headers(_ message: String) -> [String: String] {
        let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
        var headers: [String: String] = [:]
        var last = ""
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                headers[last, default: ""] += line
            } else if let colon = line.firstIndex(of: ":") {
                last = String(line[..<colon])
                headers[last] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return headers
    }

    @Test func mailHasAlertmanagersHeadersAndGoesToEveryRecipient() async throws {
        try await withSMTP { standIn, _ in
            let email = try emailIntegration(
                "{to: 'ops@example.com, Dev Team <dev@example.com>', smarthost: '127.0.0.1:\(standIn.port)', require_tls: false, hello: tollgate.test, text: 'plain {{ .Status }}'}")
            let outcome = await email.send(Fixtures.context(), alerts: [Fixtures.firing])
            #expect(outcome == .sent)
            let mail = try #require(try mails(standIn).first)
            #expect(mail.envelope["from"] as? String == "am@example.com")
            #expect(mail.envelope["recipients"] as? [String] == ["ops@example.com", "dev@example.com"])
            #expect(mail.envelope["tls"] as? Bool == false)
            let headers = headers(mail.message)
            #expect(headers["To"] == "ops@example.com, Dev Team <dev@example.com>")
            #expect(headers["From"] == "Alertmanager <am@example.com>")
            #expect(headers["Subject"] == "[FIRING:1] HighErrorRate (checkout critical)")
            #expect(headers["Date"] == "Tue, 14 Nov 2023 22:13:20 +0000")
            #expect(headers["MIME-Version"] == "1.0")
            let messageID = try #require(headers["Message-Id"])
            #expect(messageID.wholeMatch(of: /<1700000000000000000\.\d+@[^>]+>/) != nil)
            let contentType = try #require(headers["Content-Type"])
            #expect(contentType.hasPrefix("multipart/alternative;  boundary="))
            let boundary = String(contentType.dropFirst("multipart/alternative;  boundary=".count))
            #expect(boundary.wholeMatch(of: /[0-9a-f]{60}/) != nil)
            #expect(mail.message.contains("--\(boundary)\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nplain firing"))
            #expect(mail.message.contains("Content-Type: text/html; charset=UTF-8"))
            #expect(mail.message.contains("HighErrorRate"))
            #expect(mail.message.hasSuffix("--\(boundary)--\r\n"))
        }
    }

    @Test func requireTLSFailsWhenTheServerHasNoSTARTTLS() async throws {
        try await withSMTP { standIn, _ in
            let email = try emailIntegration("{to: ops@example.com, smarthost: '127.0.0.1:\(standIn.port)'}")
            let result = await email.attempt(Fixtures.context(), alerts: [Fixtures.firing])
            guard case .failure(let failure) = result else {
                Issue.record("sent without STARTTLS")
                return
            }
            #expect(failure.retry)
            #expect(failure.message.contains("STARTTLS"))
            #expect(try mails(standIn).isEmpty)
        }
    }

    @Test func startTLSWithAuthentication() async throws {
        try await withSMTP({ ["--starttls", $0.appendingPathComponent("cert.pem").path, $0.appendingPathComponent("key.pem").path, "--auth", "am", "s3cret"] }) {
            standIn, directory in
            let ca = directory.appendingPathComponent("cert.pem").path
            let entry = { (password: String) in
                "{to: ops@example.com, smarthost: '127.0.0.1:\(standIn.port)', auth_username: am, auth_password: \(password), tls_config: {ca_file: '\(ca)'}}"
            }
            let email = try emailIntegration(entry("s3cret"))
            #expect(await email.send(Fixtures.context(), alerts: [Fixtures.firing]) == .sent)
            let mail = try #require(try mails(standIn).first)
            #expect(mail.envelope["tls"] as? Bool == true)
            #expect(mail.envelope["login"] as? String == "am")

            // A wrong password: the server's 535 is permanent.
            let wrong = try emailIntegration(entry("wrong"))
            guard case .failure(let failure) = await wrong.attempt(Fixtures.context(), alerts: [Fixtures.firing]) else {
                Issue.record("sent with a wrong password")
                return
            }
            #expect(!failure.retry)

            // Without the CA the self-signed certificate is refused; a TLS failure is retried.
            let untrusted = try emailIntegration("{to: ops@example.com, smarthost: '127.0.0.1:\(standIn.port)', auth_username: am, auth_password: s3cret}")
            guard case .failure(let tls) = await untrusted.attempt(Fixtures.context(), alerts: [Fixtures.firing]) else {
                Issue.record("an untrusted certificate was taken")
                return
            }
            #expect(tls.retry)
            #expect(try mails(standIn).count == 1)
        }
    }

    @Test func recipientsRejectedPermanentlyOrForNow() async throws {
        try await withSMTP { standIn, _ in
            let permanent = try emailIntegration("{to: 'ok@example.com, reject@example.com', smarthost: '127.0.0.1:\(standIn.port)', require_tls: false}")
            guard case .failure(let rejected) = await permanent.attempt(Fixtures.context(), alerts: [Fixtures.firing]) else {
                Issue.record("a rejected recipient was taken")
                return
            }
            #expect(!rejected.retry)
            #expect(rejected.message.contains("550"))
            let transient = try emailIntegration("{to: busy@example.com, smarthost: '127.0.0.1:\(standIn.port)', require_tls: false}")
            guard case .failure(let busy) = await transient.attempt(Fixtures.context(), alerts: [Fixtures.firing]) else {
                Issue.record("a busy recipient was taken")
                return
            }
            #expect(busy.retry)
            #expect(try mails(standIn).isEmpty)
        }
    }

    @Test func badAddressesAreNotRetried() async throws {
        let email = try emailIntegration("{to: 'not an address', smarthost: '127.0.0.1:1', require_tls: false}")
        guard case .failure(let failure) = await email.attempt(Fixtures.context(), alerts: [Fixtures.firing]) else {
            Issue.record("sent to a bad address")
            return
        }
        #expect(!failure.retry)
        #expect(failure.message.hasPrefix("parsing to addresses"))
    }

    @Test func mailClientSpeaksImplicitTLS() async throws {
        try await withSMTP({ ["--smtps", $0.appendingPathComponent("cert.pem").path, $0.appendingPathComponent("key.pem").path] }) { standIn, directory in
            var request = MailClient.Request(
                host: "127.0.0.1", port: standIn.port, from: "am@example.com", recipients: ["a@example.com", "b@example.com"],
                message: Array("Subject: hello\r\n\r\n.leading dot\r\nbody\r\n".utf8))
            request.security = .implicitTLS
            request.tls.caFile = directory.appendingPathComponent("cert.pem").path
            try await MailClient().send(request)
            let mail = try #require(try mails(standIn).first)
            #expect(mail.envelope["tls"] as? Bool == true)
            #expect(mail.envelope["recipients"] as? [String] == ["a@example.com", "b@example.com"])
            #expect(mail.message.contains("\r\n.leading dot\r\nbody"))

            // Plain SMTP to a TLS port fails as a connection problem, retried.
            request.security = .none
            request.timeoutMilliseconds = 2_000
            await #expect(throws: MailError.self) { try await MailClient().send(request) }
        }
    }

    @Test func mailClientRefusesAnEmptyEnvelope() async throws {
        let request = MailClient.Request(host: "127.0.0.1", port: 1, from: "am@example.com", recipients: [], message: [])
        do {
            try await MailClient().send(request)
            Issue.record("sent without recipients")
        } catch {
            #expect(error.kind == .invalidRequest && !error.isRetryable)
        }
    }
}
