// Tollgate — CurlHTTP: one SMTP submission on a curl easy handle.

import CCurl
import Synchronization

/// One submission: its easy handle, the message being read out, and a cancellation flag.
/// Built by the caller, then performed (blocking) on one thread; only ``cancel()`` is
/// called from elsewhere, and it touches the atomic flag alone.
final class MailTransfer: @unchecked Sendable {
    let request: MailClient.Request
    private let handle: UnsafeMutableRawPointer
    private var recipients: UnsafeMutablePointer<curl_slist>?
    private var connectTo: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var offset = 0
    private let cancelled = Atomic<Bool>(false)

    /// Configures an easy handle for `request`.
    /// - Throws: ``MailError`` (``MailError/Kind/invalidRequest``) when curl refuses an option.
    init(request: MailClient.Request) throws(MailError) {
        guard let handle = curl_easy_init() else { throw MailError(kind: .invalidRequest, message: "curl_easy_init failed") }
        self.request = request
        self.handle = handle
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        try configure()  // on failure, deinit frees what was made
    }

    deinit { cleanup() }

    /// Stops the submission at curl's next callback.
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// The server as `host:port`, IPv6 hosts in brackets.
    private var authority: String {
        let host = request.host.contains(":") && !request.host.hasPrefix("[") ? "[\(request.host)]" : request.host
        return "\(host):\(request.port)"
    }

    private func set(_ option: CURLoption, _ value: Int) throws(MailError) {
        try check(tollgate_easy_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(MailError) {
        try check(tollgate_easy_setopt_string(handle, option, value), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(MailError) {
        guard code == CURLE_OK else {
            throw MailError(
                kind: .invalidRequest, curlCode: Int(code.rawValue),
                message: "smtp \(authority): option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func configure() throws(MailError) {
        guard !request.recipients.isEmpty else { throw MailError(kind: .invalidRequest, message: "smtp \(authority): no recipients") }
        for address in [request.from] + request.recipients where address.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "<" || $0 == ">" }) {
            throw MailError(kind: .invalidRequest, message: "smtp \(authority): invalid address \(address.debugDescription)")
        }
        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_NOSIGNAL, 1)
        try check(tollgate_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
        try set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try set(CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds))
        try set(CURLOPT_PROXY, "")  // never a proxy from the environment
        // The URL's path is the EHLO name.
        var host = authority
        if let serverName = request.tls.serverName, request.security != .none {
            // SNI and verification use server_name; the connection still goes to the given host.
            host = "\(serverName):\(request.port)"
            connectTo = curl_slist_append(nil, "\(serverName):\(request.port):\(authority)")
            try check(tollgate_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, connectTo), CURLOPT_CONNECT_TO)
        }
        let scheme = request.security == .implicitTLS ? "smtps" : "smtp"
        try set(CURLOPT_URL, "\(scheme)://\(host)/\(request.hello.isEmpty ? "localhost" : request.hello)")
        switch request.security {
        case .none: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        case .startTLS: try set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .implicitTLS: break
        }
        try configureTLS()
        if let auth = request.auth {
            try set(CURLOPT_USERNAME, auth.username)
            try set(CURLOPT_PASSWORD, auth.password)
            if !auth.identity.isEmpty { try set(CURLOPT_SASL_AUTHZID, auth.identity) }
            if !auth.mechanisms.isEmpty {
                try set(CURLOPT_LOGIN_OPTIONS, auth.mechanisms.map { "AUTH=\($0)" }.joined(separator: ";"))
            }
        }
        try set(CURLOPT_MAIL_FROM, "<\(request.from)>")
        for address in request.recipients { recipients = curl_slist_append(recipients, "<\(address)>") }
        try check(tollgate_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients), CURLOPT_MAIL_RCPT)
        try set(CURLOPT_UPLOAD, 1)
        try check(tollgate_easy_setopt_read_function(handle, MailTransfer.onRead), CURLOPT_READFUNCTION)
        try check(tollgate_easy_setopt_pointer(handle, CURLOPT_READDATA, unmanaged), CURLOPT_READDATA)
        try set(CURLOPT_NOPROGRESS, 0)
        try check(tollgate_easy_setopt_xferinfo_function(handle, MailTransfer.onProgress), CURLOPT_XFERINFOFUNCTION)
        try check(tollgate_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, unmanaged), CURLOPT_XFERINFODATA)
    }

    private func configureTLS() throws(MailError) {
        do {
            try EasyTLS.configure(handle, request.tls)
        } catch {
            throw MailError(kind: .invalidRequest, message: "smtp \(authority): \(error.message)")
        }
    }

    /// Runs the submission to its end on the calling thread.
    func perform() -> Result<Void, MailError> {
        if cancelled.load(ordering: .relaxed) { return .failure(MailError(kind: .cancelled, message: "smtp \(authority): cancelled")) }
        let code = curl_easy_perform(handle)
        if code == CURLE_OK { return .success(()) }
        var reply = 0
        tollgate_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        let detail = String(cString: errorBuffer)
        let message = "smtp \(authority): " + (detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        let kind: MailError.Kind
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where cancelled.load(ordering: .relaxed): kind = .cancelled
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_LOGIN_DENIED: kind = .authentication
        case CURLE_USE_SSL_FAILED, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE:
            kind = .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT: kind = .invalidRequest
        default: kind = reply >= 400 ? .rejected : .connection
        }
        return .failure(MailError(kind: kind, curlCode: Int(code.rawValue), replyCode: reply, message: message))
    }

    private func cleanup() {
        curl_easy_cleanup(handle)
        curl_slist_free_all(recipients)
        curl_slist_free_all(connectTo)
        recipients = nil
        connectTo = nil
        errorBuffer.deallocate()
    }

    private static let onRead: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        buffer, size, count, context in
        guard let context, let buffer else { return 0 }
        let transfer = Unmanaged<MailTransfer>.fromOpaque(context).takeUnretainedValue()
        if transfer.cancelled.load(ordering: .relaxed) { return 0x1000_0000 }  // CURL_READFUNC_ABORT
        let message = transfer.request.message
        let length = min(size * count, message.count - transfer.offset)
        guard length > 0 else { return 0 }
        message.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + transfer.offset, byteCount: length)
        }
        transfer.offset += length
        return length
    }

    private static let onProgress: @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
        context, _, _, _, _ in
        guard let context else { return 0 }
        return Unmanaged<MailTransfer>.fromOpaque(context).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
    }
}
