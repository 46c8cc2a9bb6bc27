// Tollgate — CurlHTTP: what curl measured of a transfer, for probes.

import CCurl

/// How a transfer went, phase by phase: what a prober reports beside the status
/// (blackbox_exporter's `probe_http_duration_seconds{phase}`, redirects, certificates).
/// Filled in when the request asks for it (``HTTPClient/Request/recordDetails``).
public struct TransferDetails: Sendable, Equatable {
    /// Microseconds from the start until the name was resolved.
    public var nameLookupMicroseconds: Int64 = 0
    /// … until the TCP connection was made.
    public var connectMicroseconds: Int64 = 0
    /// … until the TLS handshake was done (0 without TLS).
    public var tlsMicroseconds: Int64 = 0
    /// … until the request was about to be sent.
    public var preTransferMicroseconds: Int64 = 0
    /// … until the first response byte arrived.
    public var startTransferMicroseconds: Int64 = 0
    /// … until the transfer ended.
    public var totalMicroseconds: Int64 = 0
    /// Microseconds spent in the redirects before the last request.
    public var redirectMicroseconds: Int64 = 0
    /// How many redirects were followed.
    public var redirectCount = 0
    /// The URL of the last request (after redirects).
    public var effectiveURL = ""
    /// The IP address of the last connection.
    public var primaryIP = ""
    /// The peer's certificate chain (TLS only), leaf first.
    public var certificates: [PeerCertificate] = []

    /// No measurements.
    public init() {}

    /// Reads curl's measurements of the finished transfer on `handle`.
    static func read(_ handle: UnsafeMutableRawPointer) -> TransferDetails {
        var details = TransferDetails()
        func micros(_ info: CURLINFO) -> Int64 {
            var value: curl_off_t = 0
            tollgate_easy_getinfo_offset(handle, info, &value)
            return Int64(value)
        }
        func text(_ info: CURLINFO) -> String {
            var value: UnsafeMutablePointer<CChar>?
            tollgate_easy_getinfo_string(handle, info, &value)
            return value.map { String(cString: $0) } ?? ""
        }
        details.nameLookupMicroseconds = micros(CURLINFO_NAMELOOKUP_TIME_T)
        details.connectMicroseconds = micros(CURLINFO_CONNECT_TIME_T)
        details.tlsMicroseconds = micros(CURLINFO_APPCONNECT_TIME_T)
        details.preTransferMicroseconds = micros(CURLINFO_PRETRANSFER_TIME_T)
        details.startTransferMicroseconds = micros(CURLINFO_STARTTRANSFER_TIME_T)
        details.totalMicroseconds = micros(CURLINFO_TOTAL_TIME_T)
        details.redirectMicroseconds = micros(CURLINFO_REDIRECT_TIME_T)
        var redirects = 0
        tollgate_easy_getinfo_long(handle, CURLINFO_REDIRECT_COUNT, &redirects)
        details.redirectCount = redirects
        details.effectiveURL = text(CURLINFO_EFFECTIVE_URL)
        details.primaryIP = text(CURLINFO_PRIMARY_IP)
        details.certificates = PeerCertificate.chain(handle)
        return details
    }
}

/// One certificate of a TLS peer's chain, as curl describes it.
public struct PeerCertificate: Sendable, Equatable {
    /// `Subject`, as OpenSSL prints it.
    public var subject = ""
    /// `Issuer`.
    public var issuer = ""
    /// `Expire date`: the end of validity as OpenSSL prints it (`Dec  4 16:00:00 2027 GMT`).
    public var expireDate = ""

    /// The chain curl collected on `handle` (CURLOPT_CERTINFO), leaf first.
    static func chain(_ handle: UnsafeMutableRawPointer) -> [PeerCertificate] {
        var info: UnsafeMutablePointer<curl_certinfo>?
        guard tollgate_easy_getinfo_certinfo(handle, &info) == CURLE_OK, let info, let lists = info.pointee.certinfo else { return [] }
        var chain: [PeerCertificate] = []
        for index in 0..<Int(info.pointee.num_of_certs) {
            var certificate = PeerCertificate()
            var node = lists[index]
            while let entry = node {
                if let data = entry.pointee.data {
                    let line = String(cString: data)
                    if let colon = line.firstIndex(of: ":") {
                        let value = String(line[line.index(after: colon)...])
                        switch line[..<colon] {
                        case "Subject": certificate.subject = value
                        case "Issuer": certificate.issuer = value
                        case "Expire date": certificate.expireDate = value
                        default: break
                        }
                    }
                }
                node = entry.pointee.next
            }
            chain.append(certificate)
        }
        return chain
    }
}
