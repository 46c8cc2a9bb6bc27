// Tollgate — `/api/v2` over real HTTP: the routes with a source built on Notify's codec, hostile
// input, and the same requests side by side with Debian's Alertmanager 0.25.

import CurlHTTP
import Foundation
import HTTPAPI
import Logging
import Model
import Notifier
import Notify
import TestSupport
@testable import TollgateCLI
import Testing
import TollgateConfig

/// The API answered by the real notifier (``Notifier``, in memory, receivers that send
/// nothing), through the same ``NotifierAPI`` the server registers.
enum NotifierSource {
    static func make(yaml: String) async throws -> NotifierAPI {
        let file = try AlertmanagerFile(yaml: yaml, file: "alertmanager.yml")
        let notifier = try await Notifier(
            config: NotifierConfig(file: file, receivers: [:]), database: nil, deliver: { _, _, _, _ in .sent }, logger: Logger(label: "test"))
        return NotifierAPI(notifier: notifier)
    }
}

/// A running HTTPServer with the Alertmanager routes.
struct RoutesServer {
    let port: Int
    let task: Task<Void, any Error>

    static func start(_ source: any AlertmanagerAPISource, maxBodyBytes: Int = 1 << 20) async throws -> RoutesServer {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = HTTPServer(
            host: "127.0.0.1", port: 0, routes: [AlertmanagerRoutes(source: source, maxBodyBytes: maxBodyBytes, logger: Logger(label: "test"))],
            readiness: ReadinessState(), logger: Logger(label: "test"), onListening: { continuation.yield($0) })
        let task = Task { try await server.run() }
        for await port in stream { return RoutesServer(port: port, task: task) }
        throw CancellationError()
    }

    func stop() { task.cancel() }
}

/// One HTTP exchange.
struct Exchange: Equatable, CustomStringConvertible {
    var status: Int
    var contentType: String?
    var body: String
    var description: String { "\(status) \(contentType ?? "-") \(body)" }

    static func send(_ port: Int, _ method: String, _ path: String, body: [UInt8]? = nil, contentType: String? = "application/json") async throws -> Exchange {
        let client = try HTTPClient()
        defer { client.shutdown() }
        var request = HTTPClient.Request(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        // The server runs inside the test process: at the suite's busiest (a browser, a kill
        // loop and the oracles beside it) its answers took more than the default 10 s.
        request.timeoutMilliseconds = 60_000
        request.body = body
        if let contentType, body != nil { request.headers = [("Content-Type", contentType)] }
        let response = try await client.execute(request)
        return Exchange(status: response.status, contentType: response.header("content-type")?.trimmingCharacters(in: .whitespacesAndNewlines), body: String(decoding: response.body, as: UTF8.self))
    }
}

final class AlertmanagerRoutesTests: Sendable {
    let scratch = TemporaryDirectories()

    static let config = """
        route:
          receiver: default
          group_by: [alertname]
          routes:
            - matchers: ['severity="critical"']
              receiver: pager
              continue: true
            - matchers: ['team="db"']
              receiver: db
        receivers:
          - name: default
          - name: pager
          - name: db

        """

    @Test func routesAnswerWithAlertmanagersStatusesAndTypes() async throws {
        let server = try await RoutesServer.start(try await NotifierSource.make(yaml: Self.config), maxBodyBytes: 4096)
        defer { server.stop() }
        let port = server.port
        let posted = try await Exchange.send(port, "POST", "/api/v2/alerts", body: Array(#"[{"labels":{"alertname":"A","severity":"critical"}}]"#.utf8))
        #expect(posted == Exchange(status: 200, contentType: nil, body: ""))
        let listed = try await Exchange.send(port, "GET", "/api/v2/alerts?filter=alertname%3D%22A%22&receiver=pager")
        #expect(listed.status == 200 && listed.contentType == "application/json" && listed.body.contains(#""receivers":[{"name":"pager"}]"#), "\(listed)")
        #expect(try await Exchange.send(port, "GET", "/api/v2/alerts?filter=alertname%3DB").body == "[]\n")
        let unsupported = try await Exchange.send(port, "POST", "/api/v2/alerts", body: Array("[]".utf8), contentType: "text/plain")
        #expect(
            unsupported
                == Exchange(status: 415, contentType: "application/json", body: #"{"code":415,"message":"unsupported media type \"text/plain\", only [application/json] are allowed"}"#))
        #expect(try await Exchange.send(port, "POST", "/api/v2/alerts", body: Array("[]".utf8), contentType: "application/json; charset=utf-8").status == 200)
        let tooLarge = try await Exchange.send(port, "POST", "/api/v2/alerts", body: [UInt8](repeating: 0x20, count: 100_000))
        #expect(tooLarge.status == 413 && tooLarge.body.contains("the limit is 4096 bytes"))
        let notUUID = try await Exchange.send(port, "GET", "/api/v2/silence/nope")
        #expect(
            notUUID
                == Exchange(status: 422, contentType: "application/json", body: #"{"code":601,"message":"silenceID in path must be of type uuid: \"nope\""}"#))
        #expect(try await Exchange.send(port, "GET", "/api/v2/silence/00000000-0000-0000-0000-000000000000") == Exchange(status: 404, contentType: nil, body: ""))
        #expect(try await Exchange.send(port, "DELETE", "/api/v2/silence/00000000-0000-0000-0000-000000000000").status == 404)
        let silence = #"{"matchers":[{"name":"alertname","value":"A","isRegex":false}],"startsAt":"2020-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"me","comment":"c"}"#
        let created = try await Exchange.send(port, "POST", "/api/v2/silences", body: Array(silence.utf8))
        #expect(created.status == 200 && created.body.hasPrefix(#"{"silenceID":""#))
        let id = String(created.body.dropFirst(14).prefix(36))
        #expect(try await Exchange.send(port, "GET", "/api/v2/silence/\(id)").body.contains(#""state":"active""#))
        #expect(try await Exchange.send(port, "GET", "/api/v2/alerts?silenced=false").body == "[]\n")
        #expect(try await Exchange.send(port, "DELETE", "/api/v2/silence/\(id)") == Exchange(status: 200, contentType: nil, body: ""))
        #expect(try await Exchange.send(port, "GET", "/api/v2/silence/\(id)").body.contains(#""state":"expired""#))
        #expect(try await Exchange.send(port, "GET", "/api/v2/receivers").body == #"[{"name":"default"},{"name":"pager"},{"name":"db"}]"# + "\n")
        #expect(try await Exchange.send(port, "GET", "/api/v2/status").body.hasPrefix(#"{"cluster":{"peers":[],"status":"disabled"},"config":{"original":"route:\n"#))
        #expect(try await Exchange.send(port, "GET", "/api/v2/alerts/groups").body.contains(#""labels":{"alertname":"A"},"receiver":{"name":"pager"}}"#))
    }

    /// Huge, binary, deeply nested and malformed bodies and parameters get a 4xx, never a 5xx,
    /// and the server keeps answering.
    @Test func hostileInputIsRefusedWith4xx() async throws {
        let server = try await RoutesServer.start(try await NotifierSource.make(yaml: Self.config), maxBodyBytes: 1 << 20)
        defer { server.stop() }
        let port = server.port
        let bodies: [[UInt8]] = [
            [UInt8](repeating: 0x5B, count: 500_000), (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) },
            Array(("[{\"labels\":" + String(repeating: "{\"a\":", count: 50_000)).utf8), [UInt8](repeating: 0x20, count: 2 << 20),
            Array(#"[{"labels":{"a":"b"},"startsAt":"9999-99-99T99:99:99Z"}]"#.utf8), Array(#"[{"labels":{"a":"b"},"endsAt":"\u0000"}]"#.utf8),
            Array(#"[null]"#.utf8), Array(#"[{"labels":{"a":"b"},"generatorURL":"http://[::1"}]"#.utf8),
        ]
        for body in bodies {
            for path in ["/api/v2/alerts", "/api/v2/silences"] {
                let answer = try await Exchange.send(port, "POST", path, body: body)
                #expect((400..<500).contains(answer.status), "\(path) \(body.prefix(16)): \(answer)")
            }
        }
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        for path in [
            "/api/v2/alerts?filter=" + escape("a=~\"" + String(repeating: "(", count: 5000) + "\""), "/api/v2/alerts?receiver=" + escape("(?P<"),
            "/api/v2/alerts/groups?filter=%FF%00", "/api/v2/silences?filter=" + escape(String(repeating: "{", count: 10_000)),
            "/api/v2/alerts?filter=%zz&receiver=" + escape("a{2,99999}"),
        ] {
            let answer = try await Exchange.send(port, "GET", path)
            #expect((200..<500).contains(answer.status), "\(path.prefix(60)): \(answer)")
        }
        #expect(try await Exchange.send(port, "GET", "/api/v2/receivers").status == 200)
    }
}
