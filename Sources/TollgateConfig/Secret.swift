// Tollgate — TollgateConfig: a secret written inline or kept in a file.

import Foundation

/// A secret of the configuration (a password, credentials, a token, a TLS key): written
/// inline under its field, or kept in the file its `_file` twin names.
///
/// A file is read each time the secret is used, as Prometheus re-reads secret files, so a
/// rotated token is picked up by the next request. Printing a configuration never shows
/// an inline value: it reads `<secret>`, as Prometheus shows one.
///
/// ```swift
/// let password = Secret.file("/etc/tollgate/password")
/// let text = try password.read()  // the file's contents, surrounding whitespace trimmed
/// ```
public enum Secret: Sendable, Equatable {
    /// The secret itself, as written in the configuration.
    case inline(String)
    /// The path of a file holding the secret, resolved against the configuration's folder.
    case file(String)

    /// The secret's value: the inline text, or the file's contents without surrounding whitespace.
    /// - Throws: ``SecretError`` naming the file when it cannot be read.
    public func read() throws(SecretError) -> String {
        switch self {
        case .inline(let text): return text
        case .file(let path):
            let bytes = try contents(of: path)
            return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `<secret>` for an inline secret; a file secret shows its path, as Prometheus shows `password_file`.
    public var description: String {
        switch self {
        case .inline: "<secret>"
        case .file(let path): "<secret in \(path)>"
        }
    }

    /// The same as ``description``: debug printing hides the secret too.
    public var debugDescription: String { description }

    /// No children, so `dump` and other reflection show only ``description``.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// A secret file that could not be read when a request was built; the request is not sent.
public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the secret is for, in Prometheus's words (`basic auth password`), when known.
    public var use: String?
    /// The file.
    public var path: String
    /// Why it could not be read.
    public var reason: String

    /// Creates an error.
    /// - Parameters:
    ///   - use: what the secret is for, if known.
    ///   - path: the file.
    ///   - reason: why it could not be read.
    public init(use: String? = nil, path: String, reason: String) {
        self.use = use
        self.path = path
        self.reason = reason
    }

    /// `unable to read basic auth password: unable to read file /x: No such file or directory`.
    public var description: String {
        let read = "unable to read file \(path): \(reason)"
        guard let use else { return read }
        return "unable to read \(use): \(read)"
    }
}

/// The bytes of the file at `path`, read with POSIX calls so a failure keeps the system's reason.
private func contents(of path: String) throws(SecretError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SecretError(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count == 0 { return bytes }
        if count < 0 {
            if errno == EINTR { continue }
            throw SecretError(path: path, reason: String(cString: strerror(errno)))
        }
        bytes += chunk[..<count]
    }
}
