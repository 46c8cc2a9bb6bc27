// Tollgate — CloudWatch: AWS Signature Version 4, by hand on swift-crypto.

import Crypto
import Foundation

/// Credentials for one request: an access key, its secret and, for temporary credentials,
/// a session token. Printing them never shows the secret or the token.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The access key id (`AKIA…`, `ASIA…`); not a secret.
    public var accessKeyID: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials, if any.
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// `AKIA… <secret>`: the key id only.
    public var description: String { "\(accessKeyID) <secret>" }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// No children, so `dump` shows only ``description``.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Signs requests with AWS Signature Version 4 (contracts §6.3): canonical request, string to
/// sign, the derived signing key, and the `Authorization` header.
///
/// ```swift
/// let signer = SigV4Signer(region: "us-east-1", service: "monitoring")
/// let headers = signer.sign(method: "POST", path: "/", query: [], headers: [("host", "monitoring.us-east-1.amazonaws.com")],
///                           body: body, credentials: credentials, at: now)
/// ```
public struct SigV4Signer: Sendable {
    /// The region of the scope (`us-east-1`).
    public var region: String
    /// The service of the scope (`monitoring` for CloudWatch).
    public var service: String

    /// Creates a signer for `service` in `region`.
    public init(region: String, service: String = "monitoring") {
        self.region = region
        self.service = service
    }

    /// The parts of one signature, for tests and debugging.
    public struct Signature: Sendable, Equatable {
        /// The canonical request (step 2).
        public var canonicalRequest: String
        /// The string to sign (step 3).
        public var stringToSign: String
        /// The signing key, lower-case hex (step 4).
        public var signingKey: String
        /// The signature, lower-case hex.
        public var signature: String
        /// The headers to add to the request: `X-Amz-Date`, `X-Amz-Security-Token` when a
        /// session token is used, and `Authorization`.
        public var headers: [(name: String, value: String)]

        public static func == (a: Signature, b: Signature) -> Bool {
            a.canonicalRequest == b.canonicalRequest && a.signature == b.signature
                && a.headers.map { "\($0.name):\($0.value)" } == b.headers.map { "\($0.name):\($0.value)" }
        }
    }

    /// Signs a request.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - path: the absolute path (`/`).
    ///   - query: the query parameters, not encoded.
    ///   - headers: the headers to sign; `host` must be among them.
    ///   - body: the exact body bytes (empty for none).
    ///   - credentials: the key, secret and session token.
    ///   - milliseconds: the signing time, milliseconds since the epoch (UTC).
    /// - Returns: the signature and the headers to add.
    public func sign(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], body: [UInt8],
        credentials: AWSCredentials, at milliseconds: Int64
    ) -> Signature {
        let (amzDate, dateStamp) = Self.timestamps(milliseconds)
        var signed = headers.map { (name: $0.0.lowercased(), value: $0.1) }
        signed.removeAll { $0.name == "authorization" || $0.name == "x-amz-date" || $0.name == "x-amz-security-token" }
        signed.append((name: "x-amz-date", value: amzDate))
        if let token = credentials.sessionToken { signed.append((name: "x-amz-security-token", value: token)) }
        // Same-named headers are joined with commas, as HTTP allows and AWS expects.
        var merged: [String: [String]] = [:]
        for header in signed { merged[header.name, default: []].append(Self.trimmed(header.value)) }
        let names = merged.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(merged[$0, default: []].joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method.uppercased(),
            Self.canonicalURI(path),
            Self.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            Self.hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let scope = "\(dateStamp)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let key = signingKey(secret: credentials.secretAccessKey, dateStamp: dateStamp)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        var added: [(name: String, value: String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        added.append((
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        ))
        return Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign,
            signingKey: key.withUnsafeBytes { Self.hex($0) }, signature: signature, headers: added)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    func signingKey(secret: String, dateStamp: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(secret)".utf8))
        for part in [dateStamp, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// `20150830T123600Z` and `20150830` for a time in milliseconds.
    static func timestamps(_ milliseconds: Int64) -> (String, String) {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let date = String(format: "%04d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
        let time = String(format: "%02d%02d%02d", Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        return ("\(date)T\(time)Z", date)
    }

    /// A value trimmed, with inner runs of spaces collapsed to one.
    static func trimmed(_ value: String) -> String {
        var out = ""
        var space = false
        for character in value.trimmingCharacters(in: .whitespaces) {
            if character == " " || character == "\t" {
                space = true
                continue
            }
            if space { out.append(" ") }
            space = false
            out.append(character)
        }
        return out
    }

    /// Each segment of the path URI-encoded (`/` kept); `/` for an empty path.
    static func canonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }.joined(separator: "/")
    }

    /// Names and values encoded, sorted by name then value, `name=value` joined with `&`.
    static func canonicalQuery(_ query: [(String, String)]) -> String {
        // Encoded text is ASCII, so String's order is the byte order AWS sorts by.
        var pairs: [(name: String, value: String)] = query.map { (uriEncode($0.0), uriEncode($0.1)) }
        pairs.sort { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        let parts: [String] = pairs.map { pair in pair.name + "=" + pair.value }
        return parts.joined(separator: "&")
    }

    /// RFC 3986 encoding: unreserved `A–Z a–z 0–9 - _ . ~` kept, every other byte `%XX` (upper-case hex).
    public static func uriEncode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                out += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 15)])
            }
        }
        return out
    }

    /// `A–Z a–z 0–9 - _ . ~`.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x7E
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return out
    }
}
