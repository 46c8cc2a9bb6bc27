// Tollgate — HTTPAPI: checking basic-auth passwords against bcrypt hashes.

import Dispatch
import HummingbirdBcrypt
import Synchronization
import TollgateConfig

/// Checks a user and password against a web configuration's users, as exporter-toolkit
/// does: bcrypt runs one at a time on a thread of its own (it is slow on purpose, and must
/// not hold Swift's cooperative pool), an unknown user is checked against a decoy hash so
/// that timing does not tell which users exist, and outcomes are kept in a small cache so
/// that a scraper sending the same credentials every 15 s pays for bcrypt once.
final class BasicAuthVerifier: Sendable {
    /// The most outcomes kept; past it the cache starts again.
    static let cacheLimit = 1024
    private let cache = Mutex<[String: Bool]>([:])
    private let queue = DispatchQueue(label: "tollgate.bcrypt")

    /// Whether `password` is `user`'s, among `users` (name to bcrypt hash).
    func verify(user: String, password: String, users: [String: Secret]) async -> Bool {
        let hash: String?
        if case .inline(let text)? = users[user] { hash = text } else { hash = nil }
        // The hash is part of the key, so a changed file never reuses an old outcome.
        let key = "\(user)\u{0}\(hash ?? "")\u{0}\(password)"
        if let known = cache.withLock({ $0[key] }) { return known }
        let matched = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            queue.async {
                let checked = Bcrypt.verify(password, hash: Self.supported(hash ?? Self.decoy))
                continuation.resume(returning: checked && hash != nil)
            }
        }
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = matched
        }
        return matched
    }

    /// A hash of a password nobody has, checked for unknown users (cost 10, as most hashes).
    private static let decoy = Bcrypt.hash("tollgate decoy password", cost: 10)

    /// `$2y$` (htpasswd's) is the same algorithm as `$2b$`, which HummingbirdBcrypt checks.
    static func supported(_ hash: String) -> String {
        hash.hasPrefix("$2y$") ? "$2b$" + hash.dropFirst(4) : hash
    }
}
