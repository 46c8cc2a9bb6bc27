// Tollgate — CurlHTTP: one transfer on a curl easy handle.

import CCurl

/// One request in flight: its easy handle, the buffers curl writes into, and the
/// continuation to resume. After ``CurlLoop/submit(_:)`` only the loop thread touches it.
final class Transfer: @unchecked Sendable {
    let id: UInt64
    let handle: UnsafeMutableRawPointer
    let request: HTTPClient.Request
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectTo: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private let resume: @Sendable (consuming Result<HTTPClient.Response, HTTPClientError>) -> Void

    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var tooLarge = false

    /// Configures an easy handle for `request`.
    /// - Throws: ``HTTPClientError/invalidRequest(_:)`` when curl refuses an option.
    init(
        id: UInt64, request: HTTPClient.Request, body: [UInt8],
        resume: @escaping @Sendable (consuming Result<HTTPClient.Response, HTTPClientError>) -> Void
    ) throws(HTTPClientError) {
        guard let handle = curl_easy_init() else { throw .invalidRequest("curl_easy_init failed") }
        self.id = id
        self.handle = handle
        self.request = request
        self.resume = resume
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        self.body = body
        do {
            try configure()
        } catch {
            cleanup()
            throw error
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(tollgate_easy_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(tollgate_easy_setopt_string(handle, option, value), option)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw .invalidRequest("option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func configure() throws(HTTPClientError) {
        let unmanaged = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_NOSIGNAL, 1)
        try check(tollgate_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), CURLOPT_ERRORBUFFER)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds))
        // Scrape bodies are hundreds of kilobytes: read them in large pieces (curl's default
        // is 16 KiB), for fewer reads and body callbacks. Under 128 KiB: curl allocates this
        // buffer for every transfer, and `serve` has glibc map larger blocks afresh each time
        // (`MemoryAllocator`); at 256 KiB that was 2,000 page faults a second with 100 targets.
        try set(CURLOPT_BUFFERSIZE, 64 * 1024)
        try check(tollgate_easy_setopt_write_function(handle, Transfer.onBody), CURLOPT_WRITEFUNCTION)
        try check(tollgate_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged), CURLOPT_WRITEDATA)
        try check(tollgate_easy_setopt_header_function(handle, Transfer.onHeader), CURLOPT_HEADERFUNCTION)
        try check(tollgate_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged), CURLOPT_HEADERDATA)
        if let coding = request.acceptEncoding { try set(CURLOPT_ACCEPT_ENCODING, coding) }
        if request.followRedirects {
            try set(CURLOPT_FOLLOWLOCATION, 1)
            try set(CURLOPT_MAXREDIRS, 10)
        }
        try set(CURLOPT_HTTP_VERSION, Int(request.enableHTTP2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1))
        // An empty proxy turns off curl's reading of http_proxy and friends, as Prometheus ignores them.
        try set(CURLOPT_PROXY, request.proxyURL ?? "")
        if let noProxy = request.noProxy { try set(CURLOPT_NOPROXY, noProxy) }
        if let auth = request.basicAuth {
            try set(CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC, a macro Swift cannot import
            try set(CURLOPT_USERNAME, auth.username)
            try set(CURLOPT_PASSWORD, auth.password)
        }
        if request.recordDetails {
            try set(CURLOPT_FRESH_CONNECT, 1)
            try set(CURLOPT_FORBID_REUSE, 1)
            try set(CURLOPT_CERTINFO, 1)
        }
        try configureTLS()
        try configureMethod()
        var url = request.url
        var headers = request.headers
        if let serverName = request.tls.serverName, let target = URLParts(url), target.scheme == "https" {
            // SNI and verification use server_name; the connection still goes to the URL's host.
            url = target.replacingHost(with: serverName)
            connectTo = curl_slist_append(nil, "\(serverName):\(target.port):\(target.host):\(target.port)")
            try check(tollgate_easy_setopt_slist(handle, CURLOPT_CONNECT_TO, connectTo), CURLOPT_CONNECT_TO)
            if !headers.contains(where: { $0.name.lowercased() == "host" }) { headers.append(("Host", target.authority)) }
        }
        try set(CURLOPT_URL, url)
        for header in headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
        if headerList != nil { try check(tollgate_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), CURLOPT_HTTPHEADER) }
    }

    private func configureTLS() throws(HTTPClientError) {
        do {
            try EasyTLS.configure(handle, request.tls)
        } catch {
            throw .invalidRequest(error.message)
        }
    }

    private func configureMethod() throws(HTTPClientError) {
        let method = request.method.uppercased()
        if let body = request.body {
            try set(CURLOPT_POSTFIELDSIZE, body.count)
            var copy = body
            let code = copy.withUnsafeMutableBytes { tollgate_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            try check(code, CURLOPT_COPYPOSTFIELDS)
            if method != "POST" { try set(CURLOPT_CUSTOMREQUEST, method) }
        } else if method == "HEAD" {
            try set(CURLOPT_NOBODY, 1)
        } else if method != "GET" {
            try set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    /// Builds the outcome from curl's result code and resumes the caller.
    func finish(_ code: CURLcode) {
        let result: Result<HTTPClient.Response, HTTPClientError>
        if code == CURLE_OK {
            var status = 0
            tollgate_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            var total: curl_off_t = 0
            tollgate_easy_getinfo_offset(handle, CURLINFO_TOTAL_TIME_T, &total)
            var version = 0
            tollgate_easy_getinfo_long(handle, CURLINFO_HTTP_VERSION, &version)
            let spoken = switch version {
            case Int(CURL_HTTP_VERSION_2_0): "2"
            case Int(CURL_HTTP_VERSION_1_0): "1.0"
            default: "1.1"
            }
            result = .success(
                .init(status: status, headers: headers, body: body, totalMicroseconds: Int64(total), httpVersion: spoken,
                      details: request.recordDetails ? TransferDetails.read(handle) : nil))
        } else if code == CURLE_WRITE_ERROR && tooLarge {
            result = .failure(.bodyTooLarge(limit: request.maxBodySize))
        } else if code == CURLE_OPERATION_TIMEDOUT {
            result = .failure(.timeout(milliseconds: request.timeoutMilliseconds))
        } else {
            let detail = String(cString: errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            result = .failure(.transport(code: Int(code.rawValue), message: "\(request.method) \(HTTPClient.hidingPassword(request.url)): \(message)"))
        }
        complete(consume result)
    }

    /// Resumes the caller with `result` and frees the handle.
    ///
    /// The result is handed on, not copied: the caller may give the body's buffer back
    /// (``HTTPClient/recycle(_:)``) before this thread has returned, and only a buffer
    /// referenced nowhere else is reused in place.
    func complete(_ result: consuming Result<HTTPClient.Response, HTTPClientError>) {
        body = []
        cleanup()
        resume(consume result)
    }

    private func cleanup() {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectTo)
        headerList = nil
        connectTo = nil
        errorBuffer.deallocate()
    }

    private static let onBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        guard let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let limit = transfer.request.maxBodySize
        if limit > 0 && transfer.body.count + length > limit {
            transfer.tooLarge = true
            return 0  // a short count makes curl stop with CURLE_WRITE_ERROR
        }
        if let data, length > 0 {
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                transfer.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
        return length
    }

    private static let onHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, context in
        let length = size * count
        guard let context, let data else { return length }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            transfer.headers.removeAll(keepingCapacity: true)  // a new response (redirect, 100 Continue)
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            transfer.headers.append((name, value))
        }
        return length
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        // "\r\n" is one Character (one grapheme cluster), so it is named on its own.
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r\n" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
