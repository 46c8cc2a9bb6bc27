// Tollgate — Probe: a target's name to one IP address, as blackbox_exporter chooses it.

import Foundation
import TollgateConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One resolved address of a probe's target.
struct ResolvedAddress: Sendable, Equatable {
    /// The address in its text form (`127.0.0.1`, `::1`).
    var text: String
    /// Whether it is an IPv6 address.
    var isIPv6: Bool
    /// Its bytes: 4 for IPv4, 16 for IPv6.
    var bytes: [UInt8]

    /// blackbox_exporter's `probe_ip_addr_hash`: FNV-1a (32 bits) of the address's bytes.
    var hash: Double {
        var value: UInt32 = 2_166_136_261
        for byte in bytes {
            value ^= UInt32(byte)
            value = value &* 16_777_619
        }
        return Double(value)
    }
}

/// Resolves names as blackbox_exporter's `chooseProtocol`: the preferred IP version's first
/// address, else (with `ip_protocol_fallback`) the other version's. The system resolver
/// blocks, so it runs on a thread of its own, never on Swift's cooperative pool.
enum AddressResolver {
    /// Why a name gave no address.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The address to probe `host` at.
    /// - Parameters:
    ///   - host: a name or an IP address (IPv6 without brackets).
    ///   - preference: `preferred_ip_protocol` and `ip_protocol_fallback`.
    static func resolve(_ host: String, preference: IPProtocolPreference) async -> Result<ResolvedAddress, Failure> {
        await OffPool.run(name: "tollgate-resolve") { lookup(host, preference: preference) }
    }

    private static func lookup(_ host: String, preference: IPProtocolPreference) -> Result<ResolvedAddress, Failure> {
        var hints = addrinfo()
        hints.ai_family = preference.fallback ? AF_UNSPEC : (preference.preferIPv4 ? AF_INET : AF_INET6)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
            return .failure(Failure(description: "error resolving address \(host): \(reason)"))
        }
        defer { freeaddrinfo(list) }
        var preferred: ResolvedAddress?
        var other: ResolvedAddress?
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let entry = node {
            if let address = Self.address(entry.pointee) {
                if address.isIPv6 != preference.preferIPv4 {
                    preferred = preferred ?? address
                } else {
                    other = other ?? address
                }
            }
            node = entry.pointee.ai_next
        }
        if let preferred { return .success(preferred) }
        if preference.fallback, let other { return .success(other) }
        return .failure(Failure(description: "unable to find an \(preference.preferIPv4 ? "IPv4" : "IPv6") address for \(host)"))
    }

    /// The text `inet_ntop` wrote into `buffer`, up to its terminating zero.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func address(_ info: addrinfo) -> ResolvedAddress? {
        guard let socketAddress = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch info.ai_family {
        case AF_INET:
            var raw = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            guard inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return ResolvedAddress(text: text(buffer), isIPv6: false, bytes: bytes)
        case AF_INET6:
            var raw = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            guard inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)) != nil else { return nil }
            return ResolvedAddress(text: text(buffer), isIPv6: true, bytes: bytes)
        default:
            return nil
        }
    }
}

/// Work that blocks its thread (the system resolver, a socket), run on a thread of its own.
enum OffPool {
    static func run<R: Sendable>(name: String, _ work: @escaping @Sendable () -> R) async -> R {
        await withCheckedContinuation { (continuation: CheckedContinuation<R, Never>) in
            let thread = Thread { continuation.resume(returning: work()) }
            thread.name = name
            thread.start()
        }
    }
}
