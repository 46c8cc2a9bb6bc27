// Tollgate — CloudWatch tests: SigV4 on AWS's published vector and against botocore.

import Crypto
import Foundation
import Testing

@testable import CloudWatch

@Suite struct SigV4Tests {
    /// AWS's IAM example (contracts §6.3): GET ListUsers, 20150830T123600Z.
    @Test func awsPublishedVector() {
        let signer = SigV4Signer(region: "us-east-1", service: "iam")
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        let signature = signer.sign(
            method: "GET", path: "/", query: [("Action", "ListUsers"), ("Version", "2010-05-08")],
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), ("Host", "iam.amazonaws.com")],
            body: [], credentials: credentials, at: 1_440_938_160_000)
        #expect(SigV4Signer.hex(SHA256.hash(data: Array(signature.canonicalRequest.utf8))) == "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59")
        #expect(signature.signingKey == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9")
        #expect(signature.signature == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
        #expect(signature.stringToSign.hasPrefix("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"))
        #expect(signature.headers.last?.value == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test func emptyBodyHashAndURIEncoding() {
        #expect(SigV4Signer.hex(SHA256.hash(data: [UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SigV4Signer.uriEncode("a b/c+d*e~f_g.h-i") == "a%20b%2Fc%2Bd%2Ae~f_g.h-i")
        #expect(SigV4Signer.uriEncode("é") == "%C3%A9")
        #expect(SigV4Signer.canonicalQuery([("b", "2"), ("a", "z"), ("a", "y"), ("c", "")]) == "a=y&a=z&b=2&c=")
        #expect(SigV4Signer.trimmed("  a   b \t c  ") == "a b c")
    }

    /// One input for both signers.
    struct Case: Codable {
        var method: String
        var url: String
        var params: [[String]]
        var headers: [[String]]
        var body: String
        var access_key: String
        var secret_key: String
        var token: String?
        var region: String
        var service: String
        var time: String
        var path: String
        var milliseconds: Int64
    }

    struct Botocore: Codable {
        var authorization: String
        var canonical_request: String
        var x_amz_date: String
        var x_amz_security_token: String?
    }

    static let cases: [Case] = {
        let form = String(decoding: QueryProtocol.formBody(action: "GetMetricData", QueryProtocol.getMetricData(
            [MetricQuery(id: "m0", namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime",
                         dimensions: [.init(name: "LoadBalancer", value: "app/demo/abc123")], period: 60, statistic: "p99.9")],
            start: 1_764_864_000_000, end: 1_764_864_300_000, nextToken: "a+b/c=")), as: UTF8.self)
        let formType = [["host", "monitoring.us-east-1.amazonaws.com"], ["content-type", "application/x-www-form-urlencoded; charset=utf-8"]]
        return [
            // A form POST with temporary credentials.
            Case(method: "POST", url: "https://monitoring.us-east-1.amazonaws.com/", params: [], headers: formType, body: form,
                 access_key: "ASIAEXAMPLE", secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                 token: "IQoJb3JpZ2luX2VjEKL//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+session/token==", region: "us-east-1",
                 service: "monitoring", time: "20261204T160000Z", path: "/", milliseconds: 1_796_400_000_000),
            // A GET whose query needs encoding: spaces, slashes, plus, unicode, an empty value.
            Case(method: "GET", url: "https://monitoring.eu-west-1.amazonaws.com/",
                 params: [["Action", "ListMetrics"], ["Version", "2010-08-01"], ["Namespace", "AWS/ApplicationELB"],
                          ["Dimensions.member.1.Name", "Load Balancer+x"], ["MetricName", "Latency µs*"], ["NextToken", ""]],
                 headers: [["host", "monitoring.eu-west-1.amazonaws.com"], ["content-type", "application/x-www-form-urlencoded"]], body: "",
                 access_key: "AKIDEXAMPLE", secret_key: "secret/with+chars", token: nil, region: "eu-west-1",
                 service: "monitoring", time: "20261231T235959Z", path: "/", milliseconds: 1_798_761_599_000),
            // An empty POST body to a stand-in with a port, a header with runs of spaces.
            Case(method: "POST", url: "http://127.0.0.1:4566/", params: [],
                 headers: [["host", "127.0.0.1:4566"], ["x-custom", "  a   b  c "]], body: "",
                 access_key: "AKID", secret_key: "s", token: "short-token", region: "us-west-2",
                 service: "monitoring", time: "20260101T000000Z", path: "/", milliseconds: 1_767_225_600_000),
            // Another service and a deeper path.
            Case(method: "GET", url: "https://iam.amazonaws.com/some/path", params: [["Action", "ListUsers"], ["Version", "2010-05-08"]],
                 headers: [["host", "iam.amazonaws.com"]], body: "",
                 access_key: "AKIDEXAMPLE", secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token: nil, region: "us-east-1",
                 service: "iam", time: "20150830T123600Z", path: "/some/path", milliseconds: 1_440_938_160_000),
        ]
    }()

    /// The same inputs signed by botocore (computed now, by the installed botocore) and by us.
    @Test func matchesBotocore() async throws {
        let input = try JSONEncoder().encode(Self.cases)
        let output = try await runPython([standIns.appendingPathComponent("botocore_sign.py").path], stdin: Array(input))
        let expected = try JSONDecoder().decode([Botocore].self, from: Data(output))
        #expect(expected.count == Self.cases.count)
        for (input, botocore) in zip(Self.cases, expected) {
            let signer = SigV4Signer(region: input.region, service: input.service)
            let signature = signer.sign(
                method: input.method, path: input.path, query: input.params.map { ($0[0], $0[1]) },
                headers: input.headers.map { ($0[0], $0[1]) }, body: Array(input.body.utf8),
                credentials: AWSCredentials(accessKeyID: input.access_key, secretAccessKey: input.secret_key, sessionToken: input.token),
                at: input.milliseconds)
            #expect(signature.canonicalRequest == botocore.canonical_request, "\(input.url)")
            #expect(signature.headers.first { $0.name == "Authorization" }?.value == botocore.authorization, "\(input.url)")
            #expect(signature.headers.first { $0.name == "X-Amz-Date" }?.value == botocore.x_amz_date)
            #expect(signature.headers.first { $0.name == "X-Amz-Security-Token" }?.value == botocore.x_amz_security_token)
        }
    }

    @Test func credentialsNeverPrintTheSecret() {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "topsecret", sessionToken: "tokentoken")
        #expect(!"\(credentials)".contains("topsecret"))
        #expect(!"\(credentials)".contains("tokentoken"))
        #expect(!String(reflecting: credentials).contains("topsecret"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("topsecret") && !dumped.contains("tokentoken"))
    }
}
