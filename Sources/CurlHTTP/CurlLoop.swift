// Tollgate — CurlHTTP: the thread that drives curl's multi interface.

import CCurl
import Foundation
import Synchronization

/// Owns a curl multi handle and the one thread that runs it: transfers are added,
/// cancelled and completed there, never on Swift's cooperative pool. Other threads
/// only queue work and wake the loop (`curl_multi_wakeup` is thread-safe), under the
/// inbox lock so no wake-up can reach a handle the thread has freed.
final class CurlLoop: @unchecked Sendable {  // multi is used only on the loop thread, except curl_multi_wakeup
    private struct Inbox {
        var added: [Transfer] = []
        var cancelled: Set<UInt64> = []
        var stopping = false
        var stopped = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())

    init(maxConnectionsPerHost: Int, maxIdleConnections: Int) throws(HTTPClientError) {
        guard let multi = curl_multi_init() else { throw .invalidRequest("curl_multi_init failed") }
        self.multi = multi
        tollgate_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
        // Keep idle connections for reuse: curl's default cache is sized by the handles
        // added at once, which for scrapes (one handle per request) would close them.
        tollgate_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxIdleConnections)
        let thread = Thread { [self] in run() }
        thread.name = "tollgate-curl"
        thread.start()
    }

    /// Queues a configured transfer.
    func submit(_ transfer: Transfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.added.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
        guard accepted else { return transfer.complete(.failure(.cancelled)) }
    }

    /// Asks the loop to stop a transfer; it completes with ``HTTPClientError/cancelled``.
    func cancel(_ id: UInt64) {
        inbox.withLock {
            $0.cancelled.insert(id)
            if !$0.stopped { curl_multi_wakeup(multi) }
        }
    }

    /// Stops the thread; transfers still running complete as cancelled.
    func shutdown() {
        inbox.withLock {
            $0.stopping = true
            if !$0.stopped { curl_multi_wakeup(multi) }
        }
    }

    private func run() {
        var active: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (added, cancelled, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.added = []
                    inbox.cancelled = []
                }
                return (inbox.added, inbox.cancelled, inbox.stopping)
            }
            for transfer in added {
                if cancelled.contains(transfer.id) || stopping {
                    transfer.complete(.failure(.cancelled))
                } else if curl_multi_add_handle(multi, transfer.handle) != CURLM_OK {
                    transfer.complete(.failure(.invalidRequest("curl_multi_add_handle failed")))
                } else {
                    active[transfer.handle] = transfer
                }
            }
            for (handle, transfer) in active where stopping || cancelled.contains(transfer.id) {
                curl_multi_remove_handle(multi, handle)
                active[handle] = nil
                transfer.complete(.failure(.cancelled))
            }
            if stopping { break }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var queued: Int32 = 0
            while let message = curl_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                let code = tollgate_msg_result(message)
                curl_multi_remove_handle(multi, handle)
                if let transfer = active.removeValue(forKey: handle) { transfer.finish(code) }
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        // Wake-ups happen under the lock and only before this flag, never on a freed handle.
        inbox.withLock { $0.stopped = true }
        curl_multi_cleanup(multi)
    }
}
