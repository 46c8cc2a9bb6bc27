// Tollgate — Probe: blackbox_exporter's `http` prober.

import CurlHTTP
import Model
import TollgateConfig

/// Probes a URL as blackbox_exporter's `http` prober does: resolve the host (the IP version
/// the module prefers), send the module's request to that address with the original
/// `Host` (and TLS server name), follow redirects, then judge the answer: the status
/// code, the HTTP version, TLS or not, headers and body against the module's regular
/// expressions. Sets the `probe_http_*` gauges.
struct HTTPProber: Sendable {
    let client: HTTPClient
    let userAgent: String

    private static let phases = ["connect", "processing", "resolve", "tls", "transfer"]

    /// Runs the probe; true when every check passed.
    func probe(_ target: String, settings: HTTPProbeSettings, hostname: String?, run: inout ProbeRun) async -> Bool {
        set(&run, "probe_http_content_length", "Length of http content response", 0)
        set(&run, "probe_http_uncompressed_body_length", "Length of uncompressed response body", 0)
        set(&run, "probe_http_redirects", "The number of redirects", 0)
        set(&run, "probe_http_ssl", "Indicates if SSL was used for the final redirect", 0)
        set(&run, "probe_http_status_code", "Response HTTP status code", 0)
        set(&run, "probe_http_version", "Returns the version of HTTP of the probe response", 0)
        set(&run, "probe_failed_due_to_regex", "Indicates if probe failed due to regex", 0)
        setPhase(&run, "resolve", 0)

        let parsed: ProbeTarget
        switch ProbeTarget.url(target) {
        case .success(let value): parsed = value
        case .failure(let failure):
            run.note(failure.description)
            return false
        }
        var url = "\(parsed.scheme)://\(ProbeTarget.bracketed(parsed.host)):\(parsed.port)\(parsed.rest)"
        var request: HTTPClient.Request
        do {
            request = try settings.client.request(url: url)
        } catch {
            run.note("\(error)")
            return false
        }
        if !(settings.skipResolvePhaseWithProxy && settings.client.proxyURL != nil) {
            let resolved = await run.resolve(parsed.host, preference: settings.ipProtocol)
            setPhase(&run, "resolve", resolved?.1 ?? 0)
            guard let (address, _) = resolved else { return false }
            url = "\(parsed.scheme)://\(ProbeTarget.bracketed(address.text)):\(parsed.port)\(parsed.rest)"
            request.url = url
            if parsed.scheme == "https" && request.tls.serverName == nil { request.tls.serverName = parsed.host }
        }
        for phase in Self.phases where phase != "resolve" { setPhase(&run, phase, 0) }
        request.method = settings.method
        request.headers.append(("User-Agent", userAgent))
        var host = hostname ?? parsed.authority
        for (name, value) in settings.headers.sorted(by: { $0.key < $1.key }) {
            if name.lowercased() == "host" { host = value } else { request.headers.append((name, value)) }
        }
        if !request.headers.contains(where: { $0.name.lowercased() == "host" }) { request.headers.append(("Host", host)) }
        request.body = settings.body.map { Array($0.utf8) }
        request.acceptEncoding = settings.compression.isEmpty ? nil : settings.compression
        request.maxBodySize = Int(settings.bodySizeLimit)
        request.timeoutMilliseconds = run.millisecondsLeft
        request.recordDetails = true
        run.note("making HTTP request to \(url) (Host: \(host))")

        let response: HTTPClient.Response
        do {
            response = try await client.execute(request)
        } catch {
            run.note("error for HTTP request to \(target): \(error)")
            return false
        }
        return judge(response, settings: settings, run: &run)
    }

    private func judge(_ response: HTTPClient.Response, settings: HTTPProbeSettings, run: inout ProbeRun) -> Bool {
        run.note("received HTTP response with status code \(response.status)")
        let details = response.details ?? TransferDetails()
        record(details, run: &run)
        let isTLS = details.effectiveURL.lowercased().hasPrefix("https://")
        set(&run, "probe_http_status_code", "Response HTTP status code", Double(response.status))
        set(&run, "probe_http_content_length", "Length of http content response", Double(response.header("content-length").flatMap { Int64($0) } ?? -1))
        set(&run, "probe_http_uncompressed_body_length", "Length of uncompressed response body", Double(response.body.count))
        // Go's client counts a redirect it was told not to follow (blackbox_exporter counts in CheckRedirect).
        let unfollowed = !settings.client.followRedirects && (300..<400).contains(response.status) && response.header("location") != nil
        set(&run, "probe_http_redirects", "The number of redirects", Double(details.redirectCount + (unfollowed ? 1 : 0)))
        set(&run, "probe_http_ssl", "Indicates if SSL was used for the final redirect", isTLS ? 1 : 0)
        let version = response.httpVersion == "1.0" ? 1 : response.httpVersion == "2" ? 2 : 1.1
        set(&run, "probe_http_version", "Returns the version of HTTP of the probe response", version)
        if isTLS { run.recordCertificates(CertificateDate.expiries(details.certificates)) }

        var success = settings.validStatusCodes.isEmpty ? (200..<300).contains(response.status) : settings.validStatusCodes.contains(response.status)
        if !success { run.note("invalid HTTP response status code \(response.status), wanted 2xx") }
        if success && !headersPass(response, settings: settings, run: &run) || success && !bodyPasses(response.body, settings: settings, run: &run) {
            success = false
            set(&run, "probe_failed_due_to_regex", "Indicates if probe failed due to regex", 1)
        }
        if success && !settings.validHTTPVersions.isEmpty {
            let proto = response.httpVersion == "2" ? "HTTP/2.0" : "HTTP/\(response.httpVersion)"
            if !settings.validHTTPVersions.contains(proto) {
                run.note("invalid HTTP version number \(proto)")
                success = false
            }
        }
        if success && settings.failIfSSL && isTLS {
            run.note("final request was over SSL")
            success = false
        }
        if success && settings.failIfNotSSL && !isTLS {
            run.note("final request was not over SSL")
            success = false
        }
        return success
    }

    private func record(_ details: TransferDetails, run: inout ProbeRun) {
        func seconds(_ micros: Int64) -> Double { Double(max(0, micros)) / 1e6 }
        let connected = details.connectMicroseconds
        setPhase(&run, "connect", seconds(connected - details.nameLookupMicroseconds))
        let handshake = details.tlsMicroseconds > 0 ? details.tlsMicroseconds : connected
        setPhase(&run, "tls", seconds(handshake - connected))
        setPhase(&run, "processing", seconds(details.startTransferMicroseconds - max(details.preTransferMicroseconds, handshake)))
        setPhase(&run, "transfer", seconds(details.totalMicroseconds - details.startTransferMicroseconds))
    }

    private func headersPass(_ response: HTTPClient.Response, settings: HTTPProbeSettings, run: inout ProbeRun) -> Bool {
        func values(_ name: String) -> [String] {
            let lower = name.lowercased()
            return response.headers.filter { $0.name == lower }.map(\.value)
        }
        for spec in settings.failIfHeaderMatches + settings.failIfHeaderNotMatches {
            let found = values(spec.header)
            if found.isEmpty && !spec.allowMissing {
                run.note("missing required header \(spec.header)")
                return false
            }
        }
        for spec in settings.failIfHeaderMatches {
            if values(spec.header).contains(where: spec.regexp.regex.matches) {
                run.note("header \(spec.header) matched regular expression \(spec.regexp.source)")
                return false
            }
        }
        for spec in settings.failIfHeaderNotMatches {
            let found = values(spec.header)
            if !found.isEmpty && !found.contains(where: spec.regexp.regex.matches) {
                run.note("header \(spec.header) did not match regular expression \(spec.regexp.source)")
                return false
            }
        }
        return true
    }

    private func bodyPasses(_ body: [UInt8], settings: HTTPProbeSettings, run: inout ProbeRun) -> Bool {
        guard !settings.failIfBodyMatches.isEmpty || !settings.failIfBodyNotMatches.isEmpty else { return true }
        let text = String(decoding: body, as: UTF8.self)
        for pattern in settings.failIfBodyMatches {
            if pattern.regex.matches(text) {
                run.note("body matched regular expression \(pattern.source)")
                return false
            }
        }
        for pattern in settings.failIfBodyNotMatches {
            if !pattern.regex.matches(text) {
                run.note("body did not match regular expression \(pattern.source)")
                return false
            }
        }
        return true
    }

    private func set(_ run: inout ProbeRun, _ name: String, _ help: String, _ value: Double) {
        run.metrics.set(name, help, value)
    }

    private func setPhase(_ run: inout ProbeRun, _ phase: String, _ seconds: Double) {
        run.metrics.set("probe_http_duration_seconds", "Duration of http request by phase, summed over all redirects", seconds, labels: [("phase", phase)])
    }
}
