// Tollgate — CurlHTTP: TLS options on a libcurl easy handle, for HTTP transfers and mail alike.

import CCurl

/// Sets a request's ``HTTPClient/TLSOptions`` on an easy handle: CA, client certificate and
/// key (files or PEM text), verification, and the minimum version (TLS 1.2 by default).
enum EasyTLS {
    /// Why the options could not be set.
    enum Failure: Error {
        /// libcurl refused an option.
        case option(CURLoption, CURLcode)
        /// `min_version` is not one of TLS10, TLS11, TLS12, TLS13.
        case unknownVersion(String)

        /// The message the callers put in their own errors.
        var message: String {
            switch self {
            case .option(let option, let code): "option \(option.rawValue): \(String(cString: curl_easy_strerror(code)))"
            case .unknownVersion(let version): "unknown TLS version \(version)"
            }
        }
    }

    static func configure(_ handle: UnsafeMutableRawPointer, _ tls: HTTPClient.TLSOptions) throws(Failure) {
        func check(_ code: CURLcode, _ option: CURLoption) throws(Failure) {
            guard code == CURLE_OK else { throw .option(option, code) }
        }
        func set(_ option: CURLoption, _ value: String?) throws(Failure) {
            if let value { try check(tollgate_easy_setopt_string(handle, option, value), option) }
        }
        func setBlob(_ option: CURLoption, _ pem: String?) throws(Failure) {
            guard let pem else { return }
            var bytes = Array(pem.utf8)
            try check(bytes.withUnsafeMutableBytes { tollgate_easy_setopt_blob(handle, option, $0.baseAddress, $0.count) }, option)
        }
        try set(CURLOPT_CAINFO, tls.caFile)
        try setBlob(CURLOPT_CAINFO_BLOB, tls.ca)
        try set(CURLOPT_SSLCERT, tls.certFile)
        try setBlob(CURLOPT_SSLCERT_BLOB, tls.cert)
        try set(CURLOPT_SSLKEY, tls.keyFile)
        try setBlob(CURLOPT_SSLKEY_BLOB, tls.key)
        if tls.insecureSkipVerify {
            try check(tollgate_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0), CURLOPT_SSL_VERIFYPEER)
            try check(tollgate_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0), CURLOPT_SSL_VERIFYHOST)
        }
        let version: Int
        switch tls.minVersion ?? "TLS12" {
        case "TLS10": version = Int(CURL_SSLVERSION_TLSv1_0)
        case "TLS11": version = Int(CURL_SSLVERSION_TLSv1_1)
        case "TLS12": version = Int(CURL_SSLVERSION_TLSv1_2)
        case "TLS13": version = Int(CURL_SSLVERSION_TLSv1_3)
        case let other: throw .unknownVersion(other)
        }
        try check(tollgate_easy_setopt_long(handle, CURLOPT_SSLVERSION, version), CURLOPT_SSLVERSION)
    }
}
