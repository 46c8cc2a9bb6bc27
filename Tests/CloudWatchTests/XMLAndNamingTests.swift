// Tollgate — CloudWatch tests: the XML reader (recorded and hostile answers), YACE's names, the Query protocol.

import Foundation
import Testing

@testable import CloudWatch

/// A GetMetricData answer as CloudWatch sends it (recorded shape, ids and values changed).
let recordedGetMetricData = """
    <?xml version="1.0" encoding="UTF-8"?>
    <GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
      <GetMetricDataResult>
        <MetricDataResults>
          <member>
            <Timestamps>
              <member>2026-12-04T15:58:00Z</member>
              <member>2026-12-04T15:57:00Z</member>
            </Timestamps>
            <StatusCode>Complete</StatusCode>
            <Values>
              <member>0.0123</member>
              <member>1.5E2</member>
            </Values>
            <Id>m0</Id>
            <Label>TargetResponseTime &amp; p99</Label>
          </member>
          <member>
            <Timestamps/>
            <StatusCode>Complete</StatusCode>
            <Values/>
            <Id>m1</Id>
            <Label><![CDATA[RequestCount <Sum>]]></Label>
          </member>
        </MetricDataResults>
        <NextToken>token+/=</NextToken>
        <Messages/>
      </GetMetricDataResult>
      <ResponseMetadata>
        <RequestId>b9e0a8a4-0000-4b6b-9f5c-6a4f2c4d1e2f</RequestId>
      </ResponseMetadata>
    </GetMetricDataResponse>
    """

@Suite struct XMLReaderTests {
    @Test func readsARecordedAnswer() throws {
        let root = try XMLReader.read(Array(recordedGetMetricData.utf8))
        let (results, token) = try QueryProtocol.parseGetMetricData(root)
        #expect(token == "token+/=")
        #expect(results.count == 2)
        #expect(results[0].id == "m0")
        #expect(results[0].timestamps == [1_796_399_880_000, 1_796_399_820_000])
        #expect(results[0].values == [0.0123, 150])
        #expect(results[1].timestamps.isEmpty)
        #expect(root.path("GetMetricDataResult", "MetricDataResults")?.all("member")[1].child("Label")?.text == "RequestCount <Sum>")
        #expect(root.path("GetMetricDataResult", "MetricDataResults")?.all("member")[0].child("Label")?.text == "TargetResponseTime & p99")
    }

    @Test func readsErrorsAndListMetrics() throws {
        let error = try XMLReader.read(Array("""
            <ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type>\
            <Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>
            """.utf8))
        #expect(QueryProtocol.parseError(error)?.code == "Throttling")
        let list = try XMLReader.read(Array("""
            <ListMetricsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><ListMetricsResult><Metrics>\
            <member><Namespace>AWS/RDS</Namespace><MetricName>DatabaseConnections</MetricName><Dimensions><member>\
            <Name>DBInstanceIdentifier</Name><Value>demo-1</Value></member></Dimensions></member></Metrics>\
            <NextToken>abc</NextToken></ListMetricsResult></ListMetricsResponse>
            """.utf8))
        let (metrics, token) = try QueryProtocol.parseListMetrics(list)
        #expect(token == "abc")
        #expect(metrics == [ListedMetric(namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: [.init(name: "DBInstanceIdentifier", value: "demo-1")])])
    }

    /// Garbage, truncation, deep nesting, a huge document, entity bombs: an error each, never a crash.
    @Test func hostileInputIsAnErrorNotACrash() {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        let bomb = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>
            """
        let hostile: [[UInt8]] = [
            [], Array("garbage".utf8), [0, 1, 2, 255, 254], Array(deep.utf8), Array(bomb.utf8),
            Array("<a><b></a></b>".utf8), Array("<a>".utf8), Array("<a x=></a>".utf8), Array("<a>&unknown;</a>".utf8),
            Array("<a>&#xFFFFFFFF;</a>".utf8), Array("<a>&#99999999999;</a>".utf8), Array("<a></a><b></b>".utf8),
            Array("<a><![CDATA[never closed</a>".utf8), Array("<!-- only a comment".utf8), Array("<a x='1".utf8),
            [UInt8](repeating: UInt8(ascii: "<"), count: 1 << 20),
        ]
        for bytes in hostile {
            #expect(throws: XMLReadError.self) { try XMLReader.read(bytes) }
        }
        var huge = Array("<a>".utf8)
        huge += [UInt8](repeating: UInt8(ascii: "x"), count: XMLReader.maxBytes)
        huge += Array("</a>".utf8)
        #expect(throws: XMLReadError.self) { try XMLReader.read(huge) }
        // Nesting within the limit reads.
        let fine = String(repeating: "<a>", count: 60) + String(repeating: "</a>", count: 60)
        #expect((try? XMLReader.read(Array(fine.utf8))) != nil)
    }

    /// A thousand random mutations of a real answer: each reads or fails cleanly.
    @Test func mutatedAnswersNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        let original = Array(recordedGetMetricData.utf8)
        for _ in 0..<1000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(ascii: "<"), at: index)
                }
            }
            if let root = try? XMLReader.read(bytes) { _ = try? QueryProtocol.parseGetMetricData(root) }
        }
    }
}

@Suite struct NamingTests {
    @Test(arguments: [
        ("AWS/EC2", "CPUUtilization", "Average", "aws_ec2_cpuutilization_average"),
        ("AWS/ElastiCache", "CPUUtilization", "Average", "aws_elasticache_cpuutilization_average"),
        ("AWS/ELB", "HTTPCode_Backend_4XX", "Sum", "aws_elb_httpcode_backend_4_xx_sum"),
        ("AWS/ApplicationELB", "RequestCount", "Sum", "aws_applicationelb_request_count_sum"),
        ("AWS/ApplicationELB", "TargetResponseTime", "p99", "aws_applicationelb_target_response_time_p99"),
        ("AWS/ApplicationELB", "TargetResponseTime", "p99.9", "aws_applicationelb_target_response_time_p99_9"),
        ("AWS/RDS", "DatabaseConnections", "Maximum", "aws_rds_database_connections_maximum"),
        ("AWS/RDS", "FreeStorageSpace", "SampleCount", "aws_rds_free_storage_space_sample_count"),
        ("/aws/sagemaker/TrainingJobs", "CPUUtilization", "Average", "aws_sagemaker_trainingjobs_cpuutilization_average"),
        ("Glue", "glue.driver.aggregate.bytesRead", "Average", "aws_glue_driver_aggregate_bytes_read_average"),
        ("AWS/ECS", "MemoryUtilization%", "Average", "aws_ecs_memory_utilization_percent_average"),
        ("AWS/EBS", "VolumeReadOps", "Sum", "aws_ebs_volume_read_ops_sum"),
    ])
    func yaceMetricNames(namespace: String, metric: String, statistic: String, expected: String) {
        #expect(YACENames.metricName(namespace: namespace, metric: metric, statistic: statistic) == expected)
    }

    @Test func dimensionLabels() {
        #expect(YACENames.dimensionLabel("LoadBalancer") == "dimension_LoadBalancer")
        #expect(YACENames.dimensionLabel("DBInstanceIdentifier") == "dimension_DBInstanceIdentifier")
        #expect(YACENames.dimensionLabel("Cache.Node-Id") == "dimension_Cache_Node_Id")
        #expect(YACENames.promString("CPUUtilization") == "cpuutilization")
        #expect(YACENames.promString("HTTPCode_Target_2XX_Count") == "httpcode_target_2_xx_count")
    }
}

@Suite struct QueryProtocolTests {
    @Test func getMetricDataForm() {
        let query = MetricQuery(
            id: "m0", namespace: "AWS/ApplicationELB", metricName: "RequestCount",
            dimensions: [.init(name: "LoadBalancer", value: "app/demo/abc123")], period: 60, statistic: "Sum")
        let body = String(decoding: QueryProtocol.formBody(
            action: "GetMetricData", QueryProtocol.getMetricData([query], start: 1_796_399_700_000, end: 1_796_400_000_000, nextToken: nil)), as: UTF8.self)
        #expect(body == "Action=GetMetricData&Version=2010-08-01&StartTime=2026-12-04T15%3A55%3A00Z&EndTime=2026-12-04T16%3A00%3A00Z"
            + "&ScanBy=TimestampDescending&MetricDataQueries.member.1.Id=m0"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS%2FApplicationELB"
            + "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=RequestCount"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=LoadBalancer"
            + "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=app%2Fdemo%2Fabc123"
            + "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Sum"
            + "&MetricDataQueries.member.1.ReturnData=true")
    }

    @Test func timestamps() {
        #expect(QueryProtocol.iso8601(1_796_400_000_000) == "2026-12-04T16:00:00Z")
        #expect(QueryProtocol.parseISO8601("2026-12-04T16:00:00Z") == 1_796_400_000_000)
        #expect(QueryProtocol.parseISO8601("2026-12-04T16:00:00.250Z") == 1_796_400_000_250)
        #expect(QueryProtocol.parseISO8601("2026-12-04T17:00:00+01:00") == 1_796_400_000_000)
        #expect(QueryProtocol.parseISO8601("2026-13-04T16:00:00Z") == nil)
        #expect(QueryProtocol.parseISO8601("yesterday") == nil)
    }

    /// YACE's window: now − period/2 rounded to the period; start = − (length + delay), end = − delay.
    @Test func yaceWindow() {
        let now: Int64 = 1_796_400_000_000 + 170_000  // 16:02:50
        let (start, end) = CloudWatchPoller.window(now: now, period: 60, length: 300, delay: 120)
        #expect(end == 1_796_400_000_000 + 120_000 - 120_000)  // 16:02:00 − 2m
        #expect(start == end - 300_000)
        let (start5, end5) = CloudWatchPoller.window(now: now, period: 300, length: 300, delay: 0)
        #expect(end5 == 1_796_400_000_000)  // 16:00:00
        #expect(start5 == 1_796_399_700_000)
    }

    @Test func endpoints() {
        let aws = CloudWatchEndpoint(region: "eu-west-1", endpointURL: nil)
        #expect(aws.url == "https://monitoring.eu-west-1.amazonaws.com/")
        #expect(aws.host == "monitoring.eu-west-1.amazonaws.com")
        #expect(aws.path == "/")
        let moto = CloudWatchEndpoint(region: "us-east-1", endpointURL: "http://127.0.0.1:4566")
        #expect(moto.host == "127.0.0.1:4566")
        #expect(moto.path == "/")
        #expect(CloudWatchEndpoint(region: "x", endpointURL: "https://vpce.example:443/cw/").host == "vpce.example")
        #expect(CloudWatchEndpoint(region: "x", endpointURL: "https://vpce.example:443/cw/").path == "/cw/")
    }
}
