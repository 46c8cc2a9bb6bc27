// Tollgate — CurlHTTP: a plain or TLS TCP connection through libcurl's connect-only mode.

import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection, TLS optional, for probes that talk a line protocol (blackbox_exporter's
/// `tcp` prober): libcurl connects (and does the TLS handshake with the same options as
/// ``HTTPClient``), then bytes go both ways with deadlines.
///
/// Every call blocks its thread: use it on a thread of its own, never on Swift's
/// cooperative pool.
///
/// ```swift
/// let stream = try TCPStream(host: "db.internal", port: 5432, address: "10.0.0.7", tls: nil, timeoutMilliseconds: 5_000)
/// try stream.send(Array("PING\n".utf8), timeoutMilliseconds: 1_000)
/// let answer = try stream.receive(timeoutMilliseconds: 1_000)
/// stream.close()
/// ```
public final class TCPStream: @unchecked Sendable {  // one thread uses a stream at a time
    private let handle: UnsafeMutableRawPointer
    private var socket: curl_socket_t = -1
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private var closed = false
    /// The peer's certificates (TLS only), leaf first.
    public private(set) var certificates: [PeerCertificate] = []
    /// Microseconds until the TCP connection was made.
    public private(set) var connectMicroseconds: Int64 = 0
    /// Microseconds until the TLS handshake was done (0 without TLS).
    public private(set) var tlsMicroseconds: Int64 = 0

    /// Connects (and shakes hands when `tls` is given).
    /// - Parameters:
    ///   - host: the name in the target: TLS's server name unless `tls.serverName` is set.
    ///   - port: the TCP port.
    ///   - address: the IP address to connect to (resolved already); nil lets curl resolve `host`.
    ///   - tls: TLS settings, or nil for plain TCP.
    ///   - timeoutMilliseconds: the deadline for connecting and the handshake.
    /// - Throws: ``HTTPClientError`` when the connection or the handshake fails.
    public init(host: String, port: Int, address: String?, tls: HTTPClient.TLSOptions?, timeoutMilliseconds: Int) throws(HTTPClientError) {
        _ = HTTPClient.globalInit
        guard let handle = curl_easy_init() else { throw .invalidRequest("curl_easy_init failed") }
        self.handle = handle
        do {
            try connect(host: host, port: port, address: address, tls: tls, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    private func connect(host: String, port: Int, address: String?, tls: HTTPClient.TLSOptions?, timeoutMilliseconds: Int) throws(HTTPClientError) {
        func check(_ code: CURLcode) throws(HTTPClientError) {
            guard code == CURLE_OK else { throw .invalidRequest(String(cString: curl_easy_strerror(code))) }
        }
        let name = tls?.serverName ?? host
        let bracketed = name.contains(":") ? "[\(name)]" : name
        try check(tollgate_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        try check(tollgate_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        try check(tollgate_easy_setopt_string(handle, CURLOPT_URL, "\(tls == nil ? "http" : "https")://\(bracketed):\(port)/"))
        try check(tollgate_easy_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1))
        try check(tollgate_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, max(1, timeoutMilliseconds)))
        try check(tollgate_easy_setopt_string(handle, CURLOPT_PROXY, ""))
        let target = address ?? (tls?.serverName != nil ? host : nil)
        if let target {
            let pinned = target.contains(":") ? "[\(target)]" : target
            resolveList = curl_slist_append(nil, "\(name):\(port):\(pinned)")
            try check(tollgate_easy_setopt_slist(handle, CURLOPT_RESOLVE, resolveList))
        }
        if let tls {
            try check(tollgate_easy_setopt_long(handle, CURLOPT_CERTINFO, 1))
            do {
                try EasyTLS.configure(handle, tls)
            } catch {
                throw .invalidRequest(error.message)
            }
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            if code == CURLE_OPERATION_TIMEDOUT { throw .timeout(milliseconds: timeoutMilliseconds) }
            throw .transport(code: Int(code.rawValue), message: "connect \(host):\(port): \(String(cString: curl_easy_strerror(code)))")
        }
        try check(tollgate_easy_getinfo_socket(handle, &socket))
        let details = TransferDetails.read(handle)
        connectMicroseconds = details.connectMicroseconds
        tlsMicroseconds = details.tlsMicroseconds
        certificates = details.certificates
    }

    /// Sends all of `bytes`.
    /// - Throws: ``HTTPClientError/timeout(milliseconds:)`` when the peer does not take them
    ///   in time, ``HTTPClientError/transport(code:message:)`` when the connection fails.
    public func send(_ bytes: [UInt8], timeoutMilliseconds: Int) throws(HTTPClientError) {
        guard !closed else { throw .cancelled }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        var offset = 0
        while offset < bytes.count {
            var sent = 0
            let code = bytes.withUnsafeBytes { curl_easy_send(handle, $0.baseAddress?.advanced(by: offset), $0.count - offset, &sent) }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLOUT), until: deadline, timeoutMilliseconds: timeoutMilliseconds)
                continue
            }
            guard code == CURLE_OK else { throw .transport(code: Int(code.rawValue), message: "send: \(String(cString: curl_easy_strerror(code)))") }
            offset += sent
        }
    }

    /// Reads what the peer sent next.
    /// - Returns: up to 4 KiB; empty when the peer closed the connection.
    /// - Throws: ``HTTPClientError/timeout(milliseconds:)`` when nothing comes in time.
    public func receive(timeoutMilliseconds: Int) throws(HTTPClientError) -> [UInt8] {
        guard !closed else { throw .cancelled }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var received = 0
            let code = buffer.withUnsafeMutableBytes { curl_easy_recv(handle, $0.baseAddress, $0.count, &received) }
            if code == CURLE_AGAIN {
                try wait(for: Int16(POLLIN), until: deadline, timeoutMilliseconds: timeoutMilliseconds)
                continue
            }
            guard code == CURLE_OK else { throw .transport(code: Int(code.rawValue), message: "receive: \(String(cString: curl_easy_strerror(code)))") }
            return Array(buffer[0..<received])
        }
    }

    private func wait(for events: Int16, until deadline: ContinuousClock.Instant, timeoutMilliseconds: Int) throws(HTTPClientError) {
        let left = deadline - ContinuousClock.now
        let milliseconds = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { throw .timeout(milliseconds: timeoutMilliseconds) }
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        let ready = poll(&descriptor, 1, Int32(min(milliseconds, Int64(Int32.max))))
        if ready == 0 { throw .timeout(milliseconds: timeoutMilliseconds) }
        if ready < 0 && errno != EINTR { throw .transport(code: Int(errno), message: "poll failed (errno \(errno))") }
    }

    /// Closes the connection; further calls fail.
    public func close() {
        guard !closed else { return }
        closed = true
        curl_easy_cleanup(handle)
        curl_slist_free_all(resolveList)
        resolveList = nil
    }
}
