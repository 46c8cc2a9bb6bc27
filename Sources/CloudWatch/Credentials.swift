// Tollgate — CloudWatch: credentials found the way AWS tools find them.

import Foundation
public import TollgateConfig

/// Finds a job's credentials: its `access_key_id` / `secret_access_key` / `session_token`,
/// else `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`, else the
/// shared credentials file (`shared_credentials_file`, `AWS_SHARED_CREDENTIALS_FILE` or
/// `~/.aws/credentials`) under the profile `profile`, `AWS_PROFILE` or `default`.
public enum CredentialChain {
    /// The credentials for `job`.
    /// - Parameters:
    ///   - job: the job's configuration.
    ///   - environment: the environment to look in; nil for the process's.
    /// - Throws: ``CloudWatchError`` with code `credentials` saying where it looked; it never
    ///   shows a secret.
    public static func resolve(_ job: CloudWatchJob, environment: [String: String]? = nil) throws(CloudWatchError) -> AWSCredentials {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let key = job.accessKeyID, let secret = job.secretAccessKey {
            return AWSCredentials(accessKeyID: key, secretAccessKey: try read(secret), sessionToken: try job.sessionToken.map(read))
        }
        if let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty, let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty {
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
        }
        let path = job.sharedCredentialsFile ?? environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.aws/credentials"
        let profile = job.profile ?? environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw failure("no credentials: none in the job, none in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and \(path) cannot be read")
        }
        let section = sharedFileProfile(text, profile: profile)
        guard let key = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] else {
            throw failure("no credentials: profile \"\(profile)\" of \(path) has no aws_access_key_id and aws_secret_access_key")
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: section["aws_session_token"])
    }

    /// The keys of `[profile]` in an INI-style shared credentials file.
    static func sharedFileProfile(_ text: String, profile: String) -> [String: String] {
        var current: String?
        var values: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                var name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("profile ") { name = String(name.dropFirst(8)).trimmingCharacters(in: .whitespaces) }
                current = name
                continue
            }
            guard current == profile, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[key] = value
        }
        return values
    }

    private static func read(_ secret: Secret) throws(CloudWatchError) -> String {
        do {
            return try secret.read()
        } catch {
            throw failure("\(error)")
        }
    }

    private static func failure(_ message: String) -> CloudWatchError {
        CloudWatchError(operation: "credentials", status: 0, code: "credentials", message: message)
    }
}
