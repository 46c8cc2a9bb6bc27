// Tollgate — /api/v1/series, /labels, /label/NAME/values, /metadata.

import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

final class SeriesAPITests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    @Test func seriesByMatchers() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/series?match[]=up", method: .get) { response in
                #expect(
                    String(buffer: response.body)
                        == #"{"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"},{"__name__":"up","instance":"b:1","job":"db"}]}"#)
            }
            // Two selectors: their union, sorted; percent-encoded brackets as browsers send them.
            try await client.execute(
                uri: "/api/v1/series?match%5B%5D=http_requests_total&match%5B%5D=%7Bjob%3D%22db%22%7D&start=1700000000&end=1700000600", method: .get
            ) { response in
                let data = try json(response.body)["data"] as? [[String: String]]
                #expect(data?.map { $0["__name__"] ?? "" } == ["http_requests_total", "up"])
            }
            // Outside the stored range: nothing.
            try await client.execute(uri: "/api/v1/series?match[]=up&start=1&end=2", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":[]}"#)
            }
            try await client.execute(uri: "/api/v1/series?match[]=up&limit=1", method: .get) { response in
                let body = try json(response.body)
                #expect((body["data"] as? [Any])?.count == 1)
                #expect(body["warnings"] as? [String] == ["results truncated due to limit"])
            }
            let (headers, body) = form("match%5B%5D=up%7Bjob%3D%22api%22%7D")
            try await client.execute(uri: "/api/v1/series", method: .post, headers: headers, body: body) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"}]}"#)
            }
        }
    }

    @Test(arguments: [
        ("/api/v1/series", "no match[] parameter provided"),
        ("/api/v1/series?match[]=%7Bjob%3D~%22.*%22%7D", #"invalid parameter "match[]": match[] must contain at least one non-empty matcher"#),
        ("/api/v1/series?match[]=up&start=x", #"invalid parameter "start": invalid time value for 'start': cannot parse "x" to a valid timestamp"#),
        ("/api/v1/labels?limit=x", #"invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax"#),
        ("/api/v1/metadata?limit=x", "limit must be a number"),
    ])
    func badRequests(_ uri: String, _ message: String) async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                let body = try json(response.body)
                #expect(body["errorType"] as? String == "bad_data")
                #expect(body["error"] as? String == message)
            }
        }
    }

    @Test func labelNamesAndValues() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/labels", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["__name__","code","instance","job"]}"#)
            }
            try await client.execute(uri: "/api/v1/labels?match[]=up", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["__name__","instance","job"]}"#)
            }
            try await client.execute(uri: "/api/v1/label/__name__/values", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["http_requests_total","up"]}"#)
            }
            try await client.execute(uri: "/api/v1/label/job/values?match[]=http_requests_total", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["api"]}"#)
            }
            try await client.execute(uri: "/api/v1/label/nothing/values", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":[]}"#)
            }
            try await client.execute(uri: "/api/v1/label/job/values?limit=1", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["api"],"warnings":["results truncated due to limit"]}"#)
            }
            // With start/end, only series with samples in that range count (as Prometheus answers).
            try await client.execute(uri: "/api/v1/labels?start=1&end=2", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":[]}"#)
            }
            try await client.execute(uri: "/api/v1/label/__name__/values?start=1700000000&end=1700000600", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":["http_requests_total","up"]}"#)
            }
            try await client.execute(uri: "/api/v1/label/job/values?match[]=up&start=1&end=2", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":[]}"#)
            }
        }
    }

    @Test func metadataGroupsByMetric() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/metadata", method: .get) { response in
                #expect(
                    String(buffer: response.body)
                        == #"{"status":"success","data":{"http_requests_total":[{"type":"counter","help":"Requests.","unit":""}],"#
                        + #""up":[{"type":"gauge","help":"Whether the target is up.","unit":""}]}}"#)
            }
            try await client.execute(uri: "/api/v1/metadata?metric=up", method: .get) { response in
                let body = try json(response.body)
                #expect((body["data"] as? [String: Any])?.keys.sorted() == ["up"])
            }
            try await client.execute(uri: "/api/v1/metadata?limit=1", method: .get) { response in
                let body = try json(response.body)
                #expect((body["data"] as? [String: Any])?.count == 1)
            }
        }
    }
}
