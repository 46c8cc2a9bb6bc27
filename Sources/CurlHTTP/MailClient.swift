// Tollgate — CurlHTTP: the asynchronous SMTP client over libcurl.

import CCurl
import Foundation

/// Submits mail to an SMTP server with libcurl: STARTTLS or implicit TLS, `AUTH`
/// (PLAIN, LOGIN, CRAM-MD5), several recipients. Each submission runs on a thread of its
/// own (mail is rare; libcurl blocks), never on Swift's cooperative pool.
///
/// ```swift
/// let mail = MailClient()
/// var request = MailClient.Request(host: "smtp.example.com", port: 587, from: "am@example.com",
///                                  recipients: ["ops@example.com"], message: Array(mime.utf8))
/// request.auth = .init(username: "am", password: secret)
/// try await mail.send(request)
/// ```
/// Cancelling the calling task stops the submission.
public struct MailClient: Sendable {
    /// A client; it holds nothing between submissions.
    public init() {
        _ = Self.globalInit
    }

    private static let globalInit: Void = {
        curl_global_init(3)  // CURL_GLOBAL_ALL, a macro Swift cannot import
    }()

    /// Submits one message.
    /// - Parameter request: the server, envelope and message.
    /// - Throws: ``MailError`` when the server cannot be reached, refuses TLS or the
    ///   credentials, rejects the sender, a recipient or the message, or the deadline passes.
    public func send(_ request: Request) async throws(MailError) {
        let transfer = try MailTransfer(request: request)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MailError>, Never>) in
                if Task.isCancelled { transfer.cancel() }
                let thread = Thread { continuation.resume(returning: transfer.perform()) }
                thread.name = "tollgate-smtp"
                thread.start()
            }
        } onCancel: {
            transfer.cancel()
        }
        try result.get()
    }
}
