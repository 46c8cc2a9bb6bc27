// Tollgate — certificates made with openssl, and requests sent with the curl command, for the web security tests.

import Foundation
import HummingbirdBcrypt
import TestSupport

/// A CA, a server certificate for 127.0.0.1 and localhost, a client certificate the CA
/// signed, and a self-signed client certificate the CA does not know: all made by
/// Debian's openssl in a folder of the test's.
struct TestPKI {
    let folder: URL
    var ca: String { path("ca.crt") }
    var serverCert: String { path("server.crt") }
    var serverKey: String { path("server.key") }
    var clientCert: String { path("client.crt") }
    var clientKey: String { path("client.key") }
    var strangerCert: String { path("stranger.crt") }
    var strangerKey: String { path("stranger.key") }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
    static let curl = URL(fileURLWithPath: "/usr/bin/curl")
    /// Whether the tools are installed (`make test` installs both).
    static let available = [openssl, curl].allSatisfy { FileManager.default.isExecutableFile(atPath: $0.path) }

    /// Makes every key and certificate in `folder`.
    static func make(in folder: URL) async throws -> TestPKI {
        let pki = TestPKI(folder: folder)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await pki.openssl(["req", "-x509"] + key + ["-keyout", pki.path("ca.key"), "-out", pki.ca, "-days", "3", "-subj", "/CN=Tollgate test CA"])
        for (name, usage, san) in [("server", "serverAuth", "IP:127.0.0.1,DNS:localhost"), ("client", "clientAuth", "DNS:client.test")] {
            try "basicConstraints=CA:FALSE\nextendedKeyUsage=\(usage)\nsubjectAltName=\(san)\n".write(
                toFile: pki.path("\(name).ext"), atomically: true, encoding: .utf8)
            try await pki.openssl(["req"] + key + ["-keyout", pki.path("\(name).key"), "-out", pki.path("\(name).csr"), "-subj", "/CN=\(name)"])
            try await pki.openssl([
                "x509", "-req", "-in", pki.path("\(name).csr"), "-CA", pki.ca, "-CAkey", pki.path("ca.key"), "-CAcreateserial",
                "-out", pki.path("\(name).crt"), "-days", "2", "-extfile", pki.path("\(name).ext"),
            ])
        }
        try await pki.openssl(["req", "-x509"] + key + ["-keyout", pki.strangerKey, "-out", pki.strangerCert, "-days", "2", "-subj", "/CN=stranger"])
        return pki
    }

    private func openssl(_ arguments: [String]) async throws {
        let result = try await Programs.runDetached(Self.openssl, arguments)
        guard result.status == 0 else { throw TestKitError("openssl \(arguments.first ?? "") failed: \(result.stderr)") }
    }
}

/// One answer of the curl command: its exit status (0 when an HTTP answer came), the
/// status code, the headers (names lowercased) and the body.
struct CurlAnswer: Sendable {
    var exit: Int32
    var status: Int
    var headers: [String: String]
    var body: String
    var stderr: String

    /// Sends one request with the curl command (`options` before the URL) and reads the answer.
    static func fetch(_ url: String, _ options: [String] = []) async throws -> CurlAnswer {
        let result = try await Programs.runDetached(TestPKI.curl, ["-sS", "-i", "--max-time", "60"] + options + [url])
        var answer = CurlAnswer(exit: result.status, status: 0, headers: [:], body: "", stderr: result.stderr)
        guard result.status == 0 else { return answer }
        let parts = result.stdout.components(separatedBy: "\r\n\r\n")
        let head = parts.first?.components(separatedBy: "\r\n") ?? []
        answer.status = head.first.flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            answer.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        answer.body = parts.dropFirst().joined(separator: "\r\n\r\n")
        return answer
    }
}

/// bcrypt hashes for test users (cost 4: fast, and still checked by the server).
func bcrypt(_ password: String) -> String { Bcrypt.hash(password, cost: 4) }

/// A failure of the test kit itself.
struct TestKitError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
