// Tollgate — Grafana's calls, status endpoints, gzip, format_query and parse_query.

import Foundation
import Gzip
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

final class StatusAPITests: Sendable {
    /// This test's temporary directories, removed when it ends.
    let scratch = TemporaryDirectories()

    /// What Grafana's Prometheus data source asks, in order: "Save & test", then the query editor, then a panel.
    @Test func grafanaCallSequence() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            let (headers, body) = form("query=1%2B1&time=1700000600")
            try await client.execute(uri: "/api/v1/query", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"success","data":{"resultType":"scalar","result":[1700000600,"2"]}}"#)
            }
            try await client.execute(uri: "/api/v1/status/buildinfo", method: .get) { response in
                #expect(
                    String(buffer: response.body)
                        == #"{"status":"success","data":{"version":"0.1.0","revision":"abc","branch":"main","buildUser":"","buildDate":"","goVersion":"swift6.3"}}"#)
            }
            for uri in [
                "/api/v1/labels?start=1700000000&end=1700000600", "/api/v1/label/__name__/values?start=1700000000&end=1700000600",
                "/api/v1/series?match%5B%5D=up&start=1700000000&end=1700000600", "/api/v1/metadata", "/api/v1/rules", "/api/v1/alerts",
                "/api/v1/query_exemplars?query=up&start=1700000000&end=1700000600",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    let body = try json(response.body)
                    #expect(body["status"] as? String == "success", "\(uri)")
                }
            }
            let (h2, b2) = form("query=sum+by+%28job%29+%28rate%28http_requests_total%5B1m%5D%29%29&start=1700000060&end=1700000600&step=60")
            try await client.execute(uri: "/api/v1/query_range", method: .post, headers: h2, body: b2) { response in
                let data = try json(response.body)["data"] as? [String: Any]
                #expect(data?["resultType"] as? String == "matrix")
                let series = data?["result"] as? [[String: Any]]
                #expect(series?.first?["metric"] as? [String: String] == ["job": "api"])
                #expect((series?.first?["values"] as? [Any])?.count == 10)
            }
        }
    }

    @Test func statusEndpoints() async throws {
        let db = try await QueryFixture.tsdb(in: scratch)
        let app = QueryFixture.app(QueryFixture.api(db, storage: db))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/status/config", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":{"yaml":"global:\n  scrape_interval: 15s\n"}}"#)
            }
            try await client.execute(uri: "/api/v1/status/flags", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":{"query.timeout":"2m"}}"#)
            }
            try await client.execute(uri: "/api/v1/status/runtimeinfo", method: .get) { response in
                let data = try json(response.body)["data"] as? [String: Any]
                #expect(data?["reloadConfigSuccess"] as? Bool == true)
                #expect(data?["startTime"] is String)
            }
            try await client.execute(uri: "/api/v1/status/tsdb", method: .get) { response in
                let data = try json(response.body)["data"] as? [String: Any]
                let head = data?["headStats"] as? [String: Any]
                #expect(head?["numSeries"] as? Int == 3)
                #expect(head?["minTime"] as? Int == Int(t0))
                #expect(head?["maxTime"] as? Int == Int(t0 + 600_000))
                let byName = data?["seriesCountByMetricName"] as? [[String: Any]]
                #expect(byName?.first?["name"] as? String == "up")
                #expect(byName?.first?["value"] as? Int == 2)
            }
        }
    }

    @Test func gzipWhenAccepted() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            let plain = try await client.execute(uri: "/api/v1/labels", method: .get) { response in
                #expect(response.headers[.contentEncoding] == nil)
                return Array(response.body.readableBytesView)
            }
            try await client.execute(uri: "/api/v1/labels", method: .get, headers: [.acceptEncoding: "deflate, gzip"]) { response in
                #expect(response.headers[.contentEncoding] == "gzip")
                let bytes = Array(response.body.readableBytesView)
                #expect(Gzip.isGzip(bytes))
                let inflated = try Gzip.decompress(bytes)
                #expect(inflated == plain)
            }
            try await client.execute(uri: "/api/v1/query?query=sum(", method: .get, headers: [.acceptEncoding: "gzip"]) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentEncoding] == "gzip")
            }
        }
    }

    @Test func formatAndParseQuery() async throws {
        let app = QueryFixture.app(QueryFixture.api(try await QueryFixture.tsdb(in: scratch)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/format_query?query=sum(rate(foo%7Bbar%3D%22baz%22%7D%5B5m%5D))by(job)", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"success","data":"sum by (job) (rate(foo{bar=\"baz\"}[5m]))"}"#)
            }
            try await client.execute(uri: "/api/v1/format_query?query=sum(", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/parse_query?query=up%7Bjob%3D%22a%22%7D+offset+5m", method: .get) { response in
                #expect(
                    String(buffer: response.body)
                        == #"{"status":"success","data":{"matchers":[{"name":"job","type":"=","value":"a"},{"name":"__name__","type":"=","value":"up"}],"#
                        + #""name":"up","offset":300000,"startOrEnd":null,"timestamp":null,"type":"vectorSelector"}}"#)
            }
            try await client.execute(uri: "/api/v1/parse_query?query=1+%2B+2", method: .get) { response in
                #expect(
                    String(buffer: response.body)
                        == #"{"status":"success","data":{"bool":false,"lhs":{"type":"numberLiteral","val":"1"},"matching":null,"op":"+","#
                        + #""rhs":{"type":"numberLiteral","val":"2"},"type":"binaryExpr"}}"#)
            }
        }
    }
}
