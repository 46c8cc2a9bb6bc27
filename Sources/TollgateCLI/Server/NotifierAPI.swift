// Tollgate — the notifier's API v2 as the HTTP layer's source.

import HTTPAPI
import Notifier
import Notify

/// Alertmanager's API v2 (``HTTPAPI/AlertmanagerAPISource``) answered by the notifier.
struct NotifierAPI: AlertmanagerAPISource {
    let notifier: Notifier

    func postAlerts(_ body: [UInt8]) async -> APIReply { Self.reply(await notifier.postAlerts(body)) }
    func alerts(query: [(String, String)]) async -> APIReply { Self.reply(await notifier.alerts(query: query)) }
    func alertGroups(query: [(String, String)]) async -> APIReply { Self.reply(await notifier.alertGroups(query: query)) }
    func silences(query: [(String, String)]) async -> APIReply { Self.reply(await notifier.silences(query: query)) }
    func postSilence(_ body: [UInt8]) async -> APIReply { Self.reply(await notifier.postSilence(body)) }
    func silence(id: String) async -> APIReply { Self.reply(await notifier.silenceReply(id: id)) }
    func expireSilence(id: String) async -> APIReply { Self.reply(await notifier.expireReply(id: id)) }
    func receivers() async -> APIReply { Self.reply(await notifier.receiversReply()) }
    func status() async -> APIReply {
        Self.reply(await notifier.statusReply(version: APIv2Encoder.VersionInfo(version: BuildInfo.version, revision: BuildInfo.revision, branch: BuildInfo.branch)))
    }

    private static func reply(_ reply: NotifierReply) -> APIReply {
        var answer: APIReply = reply.body.isEmpty ? .empty(status: reply.status) : .json(reply.body, status: reply.status)
        answer.limit = reply.limit
        return answer
    }
}
