// Tollgate — /api/v1/query and /api/v1/query_range: shapes, parameters, errors, limits.

import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import PromQLEngine
import TestSupport
import Testing

final class QueryAPITests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    @Test func instantVectorInPrometheusShape() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=up&time=1700000300", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(
                    String(buffer: response.body)
                        == #"{"status":"success","data":{"resultType":"vector","result":["#
                        + #"{"metric":{"__name__":"up","instance":"a:1","job":"api"},"value":[1700000300,"1"]},"#
                        + #"{"metric":{"__name__":"up","instance":"b:1","job":"db"},"value":[1700000300,"0"]}]}}"#)
            }
        }
    }

    @Test func scalarsStringsAndDefaultTime() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            // Grafana's "Save & test" query; time defaults to now (t0 + 10m).
            try await client.execute(uri: "/api/v1/query?query=1+%2B+1", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":{"resultType":"scalar","result":[1700000600,"2"]}}"#)
            }
            try await client.execute(uri: "/api/v1/query?query=%22hi%22&time=1700000000.5", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":{"resultType":"string","result":[1700000000.5,"hi"]}}"#)
            }
            try await client.execute(uri: "/api/v1/query?query=1%2F0&time=1", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"[1,"+Inf"]"#))
            }
            try await client.execute(uri: "/api/v1/query?query=0%2F0&time=1", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"[1,"NaN"]"#))
            }
            try await client.execute(uri: "/api/v1/query?query=1e-7&time=1", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"[1,"1e-07"]"#))
            }
        }
    }

    @Test func rfc3339AndFractionalUnixTimes() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            for time in ["2023-11-14T22:13:20.123Z", "2023-11-14T23:13:20.123%2B01:00", "1700000000.123", "1700000000.1234"] {
                try await client.execute(uri: "/api/v1/query?query=time()&time=\(time)", method: .get) { response in
                    #expect(
                        String(buffer: response.body) == #"{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"1700000000.123"]}}"#,
                        "time=\(time)")
                }
            }
        }
    }

    @Test func postFormsMergeWithTheURLQuery() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            let get = try await client.execute(uri: "/api/v1/query?query=sum(up)&time=1700000300", method: .get) { String(buffer: $0.body) }
            let (headers, body) = form("query=sum%28up%29&time=1700000300")
            try await client.execute(uri: "/api/v1/query", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == get)
            }
            // The body wins over the URL for single values, as Go's FormValue.
            let (h2, b2) = form("query=sum(up)")
            try await client.execute(uri: "/api/v1/query?query=nonsense(&time=1700000300", method: .post, headers: h2, body: b2) { response in
                #expect(String(buffer: response.body) == get)
            }
        }
    }

    @Test func rangeQueryMatrix() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            let expected =
                #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"a:1","job":"api"},"values":["#
                + #"[1700000000,"1"],[1700000030,"1"],[1700000060,"1"]]}]}}"#
            for step in ["30", "30s", "30.0"] {
                try await client.execute(uri: "/api/v1/query_range?query=up{job=%22api%22}&start=1700000000&end=1700000060&step=\(step)", method: .get) {
                    #expect($0.status == .ok)
                    #expect(String(buffer: $0.body) == expected, "step=\(step)")
                }
            }
            // Grafana's panels POST their range queries.
            let (headers, body) = form("query=up%7Bjob%3D%22api%22%7D&start=2023-11-14T22%3A13%3A20Z&end=1700000060&step=30")
            try await client.execute(uri: "/api/v1/query_range", method: .post, headers: headers, body: body) { response in
                #expect(String(buffer: response.body) == expected)
            }
            try await client.execute(uri: "/api/v1/query_range?query=rate(http_requests_total[1m])&start=1700000060&end=1700000120&step=60", method: .get) {
                #expect(String(buffer: $0.body).contains(#"{"metric":{"code":"200","job":"api"},"values":[[1700000060,"#))
            }
        }
    }

    @Test(arguments: [
        ("/api/v1/query?query=up&time=x", 400, "bad_data", #"invalid parameter "time": invalid time value for 'time': cannot parse "x" to a valid timestamp"#),
        ("/api/v1/query?query=up&timeout=soon", 400, "bad_data", #"invalid parameter "timeout": cannot parse "soon" to a valid duration"#),
        ("/api/v1/query?query=up&limit=-1", 400, "bad_data", #"invalid parameter "limit": limit must be non-negative"#),
        ("/api/v1/query?query=sum(", 400, "bad_data", #"invalid parameter "query": 1:5: parse error: unclosed left parenthesis"#),
        ("/api/v1/query_range?query=up&start=x&end=1&step=1", 400, "bad_data", #"invalid parameter "start": cannot parse "x" to a valid timestamp"#),
        ("/api/v1/query_range?query=up&start=1&step=1", 400, "bad_data", #"invalid parameter "end": cannot parse "" to a valid timestamp"#),
        ("/api/v1/query_range?query=up&start=10&end=1&step=1", 400, "bad_data", #"invalid parameter "end": end timestamp must not be before start time"#),
        ("/api/v1/query_range?query=up&start=1&end=10&step=0", 400, "bad_data",
            #"invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer"#),
        ("/api/v1/query_range?query=up&start=1&end=10&step=x", 400, "bad_data", #"invalid parameter "step": cannot parse "x" to a valid duration"#),
        ("/api/v1/query_range?query=up&start=0&end=11001&step=1", 400, "bad_data",
            "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"),
        ("/api/v1/query_range?query=up[5m]&start=0&end=10&step=1", 400, "bad_data",
            #"invalid expression type "range vector" for range query, must be Scalar or instant Vector"#),
        ("/api/v1/query?query=label_replace(up,%22a%22,%22b%22,%22c%22,%22(%22)&time=1700000300", 422, "execution",
            "invalid regular expression in label_replace(): ("),
    ])
    func errorsCarryPrometheusTypesAndCodes(_ uri: String, _ code: Int, _ type: String, _ message: String) async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status.code == code)
                let body = try json(response.body)
                #expect(body["status"] as? String == "error")
                #expect(body["errorType"] as? String == type)
                #expect(body["error"] as? String == message)
            }
        }
    }

    @Test func elevenThousandPointsIsTheLastAllowed() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/query_range?query=1&start=0&end=11000&step=1", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func timeoutsCancellationsAndStorageFailures() async throws {
        let timingOut = QueryFixture.app(QueryFixture.api(SlowQueryable()))
        try await timingOut.test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=up&time=1700000300&timeout=0.05", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = try json(response.body)
                #expect(body["errorType"] as? String == "timeout")
                #expect(body["error"] as? String == "query timed out in expression evaluation")
            }
        }
        let failing = QueryFixture.app(QueryFixture.api(FailingQueryable()))
        try await failing.test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=up&time=1700000300", method: .get) { response in
                #expect(response.status == .internalServerError)
                let body = try json(response.body)
                #expect(body["errorType"] as? String == "internal")
            }
        }
    }

    @Test func limitTruncatesWithAWarning() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/query?query=up&time=1700000300&limit=1", method: .get) { response in
                let body = try json(response.body)
                let data = body["data"] as? [String: Any]
                #expect((data?["result"] as? [Any])?.count == 1)
                #expect(body["warnings"] as? [String] == ["results truncated due to limit"])
            }
            try await client.execute(uri: "/api/v1/query?query=up&time=1700000300&limit=2", method: .get) { response in
                let body = try json(response.body)
                #expect(body["warnings"] == nil)
            }
        }
    }

    @Test func annotationsBecomeWarningsAndInfos() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            // rate() over a gauge-named series: Prometheus notes it as an info.
            try await client.execute(uri: "/api/v1/query?query=rate(up[5m])&time=1700000300", method: .get) { response in
                let body = try json(response.body)
                #expect(body["status"] as? String == "success")
                let infos = body["infos"] as? [String] ?? []
                #expect(infos.count == 1)
                #expect(infos.first?.hasPrefix("PromQL info: metric might not be a counter") == true)
                #expect(body["warnings"] == nil)
            }
        }
    }

    @Test func postBodiesOverTheLimitAreRefused() async throws {
        var limits = QueryAPI.Limits()
        limits.maxBodyBytes = 32
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch), limits: limits))
        try await app.test(.router) { client in
            let (headers, body) = form("query=" + String(repeating: "a", count: 64))
            try await client.execute(uri: "/api/v1/query", method: .post, headers: headers, body: body) { response in
                // Prometheus answers 400; every body limit of Tollgate answers 413.
                #expect(response.status == .contentTooLarge)
                let body = try json(response.body)
                #expect(body["error"] as? String == "error parsing form values: http: POST too large")
            }
            let (h2, b2) = form("query=up")
            try await client.execute(uri: "/api/v1/query?time=1700000300", method: .post, headers: h2, body: b2) { #expect($0.status == .ok) }
        }
    }

    @Test func pointLimitIsConfigurable() async throws {
        var limits = QueryAPI.Limits()
        limits.maxPointsPerSeries = 100
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch), limits: limits))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/query_range?query=1&start=0&end=101&step=1", method: .get) { response in
                let body = try json(response.body)
                #expect(body["error"] as? String == "exceeded maximum resolution of 100 points per timeseries. Try decreasing the query resolution (?step=XX)")
            }
        }
    }
}
