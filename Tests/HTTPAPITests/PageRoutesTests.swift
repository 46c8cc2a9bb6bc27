// Tollgate — HTTPAPI: the web UI's routes: pages handed to the source, forms refused before it when they are not same-origin forms.

import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

struct PageRoutesTests {
    /// Answers every page with its request, and remembers the POSTs it was given.
    final class EchoPages: PageSource {
        let posts = Mutex<[String]>([])
        func page(_ request: PageRequest) async -> PageReply {
            if request.method == "POST" { posts.withLock { $0.append("\(request.page) \(request.form["a"] ?? "")") } }
            return PageReply(body: Array("\(request.method) [\(request.page)] \(request.form["q"] ?? "")".utf8))
        }
    }

    @Test func pagesAreHandedToTheSourceAndTheRootRedirects() async throws {
        let pages = EchoPages()
        let app = Application(router: APIRouter.build([PageRoutes(source: pages, maxBodyBytes: 64 << 10)]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "ui/")
            }
            try await client.execute(uri: "/ui", method: .get) { response in
                #expect(response.headers[.location] == "ui/")
            }
            try await client.execute(uri: "/ui/", method: .get) { response in
                #expect(String(buffer: response.body) == "GET [] ")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.init("X-Frame-Options")!] == "DENY")
            }
            try await client.execute(uri: "/ui/graph?q=up", method: .get) { response in
                #expect(String(buffer: response.body) == "GET [graph] up")
            }
            try await client.execute(uri: "/ui/rollouts/r-1", method: .get) { response in
                #expect(String(buffer: response.body) == "GET [rollouts/r-1] ")
            }
        }
    }

    @Test func onlySameOriginURLEncodedFormsReachTheSource() async throws {
        let pages = EchoPages()
        let app = Application(router: APIRouter.build([PageRoutes(source: pages, maxBodyBytes: 64 << 10)]))
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/ui/silences", method: .post, headers: form, body: ByteBuffer(string: "a=1")) { response in
                #expect(response.status == .ok, "no Origin (curl, an API client): accepted")
            }
            var sameOrigin = form
            sameOrigin[.init("Origin")!] = "http://localhost:9090"
            sameOrigin[.init("Host")!] = "localhost:9090"
            sameOrigin[.init("Sec-Fetch-Site")!] = "same-origin"
            try await client.execute(uri: "/ui/silences/expire", method: .post, headers: sameOrigin, body: ByteBuffer(string: "a=2")) { response in
                #expect(response.status == .ok)
            }
            var otherOrigin = sameOrigin
            otherOrigin[.init("Origin")!] = "http://evil.example"
            otherOrigin[.init("Sec-Fetch-Site")!] = nil
            try await client.execute(uri: "/ui/silences", method: .post, headers: otherOrigin, body: ByteBuffer(string: "a=3")) { response in
                #expect(response.status == .forbidden)
            }
            var crossSite = form
            crossSite[.init("Sec-Fetch-Site")!] = "cross-site"
            try await client.execute(uri: "/ui/silences", method: .post, headers: crossSite, body: ByteBuffer(string: "a=4")) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/ui/silences", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unsupportedMediaType)
            }
            try await client.execute(uri: "/ui/silences", method: .post, headers: form, body: ByteBuffer(string: String(repeating: "a", count: 70_000))) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
        #expect(pages.posts.withLock { $0 } == ["silences 1", "silences/expire 2"])
    }
}
