// Tollgate — Probe: blackbox_exporter's `tcp` prober.

import CurlHTTP
import Model
import TollgateConfig

/// Probes `host:port` as blackbox_exporter's `tcp` prober does: resolve, connect (TLS
/// when the module says so), then walk `query_response`: read lines until one matches
/// `expect`, send `send` (with `${1}` from that match) followed by a newline.
///
/// The connection blocks its thread, so the whole exchange runs on a thread of its own.
struct TCPProber: Sendable {
    /// What the exchange on the connection found.
    private struct Exchange: Sendable {
        var success = false
        var failedDueToRegex = false
        var expiries: [Int64] = []
        var log: [String] = []
    }

    /// Runs the probe; true when the connection was made and every step passed.
    func probe(_ target: String, settings: TCPProbeSettings, run: inout ProbeRun) async -> Bool {
        run.metrics.set("probe_failed_due_to_regex", "Indicates if probe failed due to regex", 0)
        let parsed: ProbeTarget
        switch ProbeTarget.hostPort(target) {
        case .success(let value): parsed = value
        case .failure(let failure):
            run.note(failure.description)
            return false
        }
        guard let (address, _) = await run.resolve(parsed.host, preference: settings.ipProtocol) else { return false }
        var tls: HTTPClient.TLSOptions?
        if settings.tls {
            tls = settings.tlsConfig.options
            if tls?.serverName == nil { tls?.serverName = parsed.host }
        }
        let timeout = run.millisecondsLeft, options = tls
        let steps = settings.queryResponse
        let exchange = await OffPool.run(name: "tollgate-probe-tcp") {
            Self.exchange(host: parsed.host, port: parsed.port, address: address.text, tls: options, steps: steps, timeoutMilliseconds: timeout)
        }
        run.log += exchange.log
        if exchange.failedDueToRegex { run.metrics.set("probe_failed_due_to_regex", "Indicates if probe failed due to regex", 1) }
        if settings.tls { run.recordCertificates(exchange.expiries) }
        return exchange.success
    }

    private static func exchange(
        host: String, port: Int, address: String, tls: HTTPClient.TLSOptions?, steps: [TCPProbeSettings.QueryResponse], timeoutMilliseconds: Int
    ) -> Exchange {
        var result = Exchange()
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
        func left() -> Int {
            let remaining = deadline - ContinuousClock.now
            return max(1, Int(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
        }
        let stream: TCPStream
        do {
            stream = try TCPStream(host: host, port: port, address: address, tls: tls, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            result.log.append("error dialing TCP: \(error)")
            return result
        }
        defer { stream.close() }
        result.log.append("successfully dialed \(address):\(port)")
        result.expiries = CertificateDate.expiries(stream.certificates)
        var lines = LineReader()
        for (index, step) in steps.enumerated() {
            var match: String?
            if let expect = step.expect {
                let regex = expect.regex
                result.log.append("processing query response entry \(index): expecting \(expect.source)")
                while match == nil {
                    do {
                        guard let line = try lines.next(from: stream, timeoutMilliseconds: left()) else {
                            result.failedDueToRegex = true
                            result.log.append("regexp \(expect.source) did not match any line before the connection closed")
                            return result
                        }
                        if regex.matches(line) { match = line }
                    } catch {
                        result.log.append("error reading from connection: \(error)")
                        return result
                    }
                }
                if let send = step.send, let line = match {
                    match = regex.expandFirstMatch(in: line, with: send)
                }
            }
            if let send = step.send {
                let text = step.expect == nil ? send : (match ?? send)
                do {
                    try stream.send(Array((text + "\n").utf8), timeoutMilliseconds: left())
                } catch {
                    result.log.append("failed to send: \(error)")
                    return result
                }
            }
        }
        result.success = true
        return result
    }
}

/// Lines from a stream, as Go's `bufio.Scanner` splits them: at `\n`, a trailing `\r`
/// dropped, the last unterminated line given at the end.
struct LineReader {
    private var buffer: [UInt8] = []
    private var ended = false
    /// The longest line kept (Go's scanner stops at 64 KiB).
    static let maxLine = 64 * 1024

    /// The next line; nil when the peer closed the connection and no text is left.
    mutating func next(from stream: TCPStream, timeoutMilliseconds: Int) throws(HTTPClientError) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            guard buffer.count < Self.maxLine else { throw .invalidRequest("line longer than \(Self.maxLine) bytes") }
            let bytes = try stream.receive(timeoutMilliseconds: timeoutMilliseconds)
            if bytes.isEmpty { ended = true } else { buffer += bytes }
        }
    }
}
