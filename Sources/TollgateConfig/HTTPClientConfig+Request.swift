// Tollgate — TollgateConfig: an `http_config` turned into a CurlHTTP request.

public import CurlHTTP

extension HTTPClientConfig {
    /// A request for `url` that reaches it as this configuration says: `http_headers`,
    /// `authorization` (or `bearer_token`), `basic_auth`, `tls_config`, `proxy_url`,
    /// `no_proxy`, `follow_redirects` and `enable_http2`. Every client built from an
    /// `http_config` (scrapes, notifications, remote write, CloudWatch) starts here, then
    /// sets what is its own: method, body, timeout, body limit, `Accept`.
    ///
    /// Secrets kept in files are read now, as Prometheus re-reads them for each request;
    /// TLS files are handed to curl, which reads them when it connects.
    ///
    /// ```swift
    /// var request = try job.http.request(url: target.url)
    /// request.timeoutMilliseconds = 10_000
    /// let response = try await client.execute(request)
    /// ```
    /// - Parameter url: the absolute URL.
    /// - Returns: a GET request; headers hold `http_headers` (by name) and `Authorization`.
    /// - Throws: ``SecretError`` naming the secret and the file when a secret file cannot be read.
    public func request(url: String) throws(SecretError) -> HTTPClient.Request {
        var request = HTTPClient.Request(url: url)
        for (name, header) in headers.sorted(by: { $0.key < $1.key }) {
            for value in header.values { request.headers.append((name, value)) }
            for secret in header.secrets { request.headers.append((name, try Self.read(secret, use: "header \(name)"))) }
            for file in header.files { request.headers.append((name, try Self.read(.file(file), use: "header \(name)"))) }
        }
        if let authorization {
            let credentials = try authorization.credentials.map { (secret) throws(SecretError) in
                try Self.read(secret, use: "authorization credentials")
            }
            request.headers.append(("Authorization", "\(authorization.type) \(credentials ?? "")"))
        }
        if let basicAuth {
            let username = try basicAuth.username.map { (secret) throws(SecretError) in try Self.read(secret, use: "basic auth username") }
            let password = try basicAuth.password.map { (secret) throws(SecretError) in try Self.read(secret, use: "basic auth password") }
            request.basicAuth = .init(username: username ?? "", password: password ?? "")
        }
        request.tls = tls.options
        request.proxyURL = proxyURL
        request.noProxy = noProxy
        request.followRedirects = followRedirects
        request.enableHTTP2 = enableHTTP2
        return request
    }

    /// A secret's value; a failure names what the secret is for.
    private static func read(_ secret: Secret, use: String) throws(SecretError) -> String {
        do {
            return try secret.read()
        } catch {
            var error = error
            error.use = use
            throw error
        }
    }
}

extension HTTPClientConfig.TLS {
    /// curl's TLS settings for this `tls_config`: files by path, inline PEM as given.
    public var options: HTTPClient.TLSOptions {
        var options = HTTPClient.TLSOptions()
        options.ca = ca
        options.caFile = caFile
        options.cert = cert
        options.certFile = certFile
        switch key {
        case .inline(let pem): options.key = pem
        case .file(let path): options.keyFile = path
        case nil: break
        }
        options.serverName = serverName
        options.insecureSkipVerify = insecureSkipVerify
        options.minVersion = minVersion
        return options
    }
}
