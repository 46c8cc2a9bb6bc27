// Tollgate — CloudWatch tests: the `cloudwatch:` section of tollgate.yml and the credential chain.

import Foundation
import Model
import Testing
import TestSupport
import TollgateConfig

@testable import CloudWatch

/// The issue's example, verbatim.
let issueExample = """
    cloudwatch:
      - job_name: aws
        regions: [us-east-1]
        endpoint_url: http://127.0.0.1:4566     # optional: moto, LocalStack, a VPC endpoint
        interval: 60s                           # how often to ask CloudWatch
        period: 60s
        length: 300s
        delay: 120s
        static:                                 # one exact dimension set each, as YACE's static jobs
          - namespace: AWS/ApplicationELB
            dimensions: [{name: LoadBalancer, value: app/demo/abc123}]
            metrics: [{name: RequestCount, statistics: [Sum]}, {name: TargetResponseTime, statistics: [Average, p99]}]
        discovery:                              # every dimension set ListMetrics finds, filtered
          - namespace: AWS/RDS
            dimension_filters: [{name: DBInstanceIdentifier, value: "demo-.*"}]
            metrics: [{name: DatabaseConnections, statistics: [Average, Maximum]}]
    """

@Suite struct CloudWatchConfigTests {
    @Test func readsTheIssueExample() throws {
        let config = try TollgateConfig(yaml: issueExample, file: "tollgate.yml")
        #expect(config.cloudwatch.count == 1)
        let job = try #require(config.cloudwatch.first)
        #expect(job.jobName == "aws")
        #expect(job.regions == ["us-east-1"])
        #expect(job.endpointURL == "http://127.0.0.1:4566")
        #expect(job.interval.milliseconds == 60_000)
        #expect(job.delay.milliseconds == 120_000)
        #expect(job.staticTargets.first?.dimensions == [CloudWatchDimension(name: "LoadBalancer", value: "app/demo/abc123")])
        #expect(job.staticTargets.first?.metrics.map(\.statistics) == [["Sum"], ["Average", "p99"]])
        #expect(job.staticTargets.first?.metrics.first?.period == 60)
        #expect(job.staticTargets.first?.metrics.first?.length == 300)
        #expect(job.discovery.first?.dimensionFilters == [CloudWatchDimension(name: "DBInstanceIdentifier", value: "demo-.*")])
    }

    @Test func perMetricSettingsAsYACEHasThem() throws {
        let config = try TollgateConfig(yaml: """
            cloudwatch:
              - job_name: aws
                regions: [eu-west-1, us-east-1]
                nilToZero: true
                static:
                  - namespace: AWS/ElastiCache
                    dimensions: [{name: CacheClusterId, value: demo-001}]
                    metrics:
                      - {name: CPUUtilization, statistics: [Average], period: 1m, length: 10m, addCloudwatchTimestamp: true}
                      - {name: CurrConnections, statistics: [Maximum], exportAllDataPoints: true, addCloudwatchTimestamp: true, nilToZero: false}
            """, file: "t.yml")
        let metrics = try #require(config.cloudwatch.first?.staticTargets.first?.metrics)
        #expect(metrics[0].period == 60 && metrics[0].length == 600 && metrics[0].addCloudwatchTimestamp && metrics[0].nilToZero)
        #expect(metrics[1].period == 300 && metrics[1].exportAllDataPoints && !metrics[1].nilToZero)
    }

    /// Every rule the issue names is an error with file, line and field; all are reported at once.
    @Test func checksWithFileLineAndField() throws {
        let dimensions = (0..<31).map { "{name: D\($0), value: v}" }.joined(separator: ", ")
        let yaml = """
            cloudwatch:
              - job_name: aws
                regions: [us-east-1, Mars]
                static:
                  - namespace: ":bad"
                    dimensions: [{name: LoadBalancer, value: x}]
                    metrics: [{name: RequestCount, statistics: [Sum, Median]}]
                  - namespace: AWS/EC2
                    dimensions: [\(dimensions)]
                    metrics: [{name: CPUUtilization, statistics: [Average], period: 90s}]
                discovery:
                  - namespace: AWS/RDS
                    dimension_filters: [{name: DBInstanceIdentifier, value: "demo-(.*"}]
                    metrics: [{name: DatabaseConnections, statistics: [p99.9, tm90, IQM, "TM(10%:90%)"]}]
            """
        let error = try #require(throws: ConfigError.self) { try TollgateConfig(yaml: yaml, file: "/etc/tollgate.yml") }
        let all = error.all.map(\.located)
        let text = all.joined(separator: "\n")
        #expect(text.contains("cloudwatch[0].regions[1]"), "\(text)")
        #expect(text.contains("invalid region \"Mars\""))
        #expect(text.contains("/etc/tollgate.yml:5"), "\(text)")
        #expect(text.contains("cloudwatch[0].static[0].namespace") && text.contains("invalid namespace \":bad\""))
        #expect(text.contains("cloudwatch[0].static[0].metrics[0].statistics[1]") && text.contains("unknown statistic \"Median\""))
        #expect(text.contains("cloudwatch[0].static[1].metrics[0].period") && text.contains("invalid period 1m30s"))
        #expect(text.contains("cloudwatch[0].static[1].dimensions") && text.contains("31 dimensions"))
        #expect(text.contains("cloudwatch[0].discovery[0].dimension_filters[0].value") && text.contains("invalid regex"))
        for accepted in ["p99.9", "tm90", "IQM", "TM(10%:90%)"] { #expect(!text.contains("unknown statistic \"\(accepted)\""), "\(text)") }
    }

    @Test(arguments: [1, 5, 10, 20, 30, 60, 120, 300, 3600])
    func periodsCloudWatchTakes(seconds: Int64) { #expect(CloudWatchRules.isPeriod(seconds)) }

    @Test(arguments: [0, 2, 15, 45, 90, 61])
    func periodsCloudWatchRefuses(seconds: Int64) { #expect(!CloudWatchRules.isPeriod(seconds)) }

    @Test func unknownFieldsAndMissingParts() throws {
        for (yaml, message) in [
            ("cloudwatch:\n  - job_name: a\n    regions: [us-east-1]\n    colour: red\n", "cloudwatch[0].colour"),
            ("cloudwatch:\n  - job_name: a\n    static: [{namespace: AWS/EC2, dimensions: [], metrics: [{name: X, statistics: [Sum]}]}]\n", "at least one region"),
            ("cloudwatch:\n  - job_name: a\n    regions: [us-east-1]\n", "at least one static or discovery"),
            ("cloudwatch:\n  - job_name: a\n    regions: [us-east-1]\n    access_key_id: AKID\n    static: [{namespace: AWS/EC2, dimensions: [], metrics: [{name: X, statistics: [Sum]}]}]\n", "must be given together"),
            ("cloudwatch:\n  - job_name: a\n    regions: [us-east-1]\n    static: [{namespace: AWS/EC2, dimensions: [], metrics: [{name: X, statistics: [Sum], delay: 1m}]}]\n", "delay is set per job"),
        ] {
            let error = try #require(throws: ConfigError.self) { try TollgateConfig(yaml: yaml, file: "t.yml") }
            #expect(error.all.map(\.located).joined(separator: "\n").contains(message), "\(error)")
        }
    }

    /// Secrets show as `<secret>` in the printed configuration, the status page's text and errors.
    @Test func secretsNeverShow() throws {
        let yaml = """
            cloudwatch:
              - job_name: aws
                regions: [us-east-1]
                access_key_id: AKIDVISIBLE
                secret_access_key: VERYSECRETKEY
                session_token: VERYSECRETTOKEN
                static: [{namespace: AWS/EC2, dimensions: [], metrics: [{name: CPUUtilization, statistics: [Average]}]}]
            """
        let config = try TollgateConfig(yaml: yaml, file: "t.yml")
        let job = try #require(config.cloudwatch.first)
        #expect(job.secretAccessKey == .inline("VERYSECRETKEY"))
        for text in ["\(config)", String(reflecting: config), TollgateConfig.redactingSecrets(yaml)] {
            #expect(!text.contains("VERYSECRETKEY") && !text.contains("VERYSECRETTOKEN"), "\(text)")
        }
        #expect(TollgateConfig.redactingSecrets(yaml).contains("AKIDVISIBLE"))
        // A bad field next to a secret: the error does not repeat the secret.
        let broken = yaml.replacingOccurrences(of: "regions: [us-east-1]", with: "regions: [nowhere]")
        let error = try #require(throws: ConfigError.self) { try TollgateConfig(yaml: broken, file: "t.yml") }
        #expect(!"\(error)".contains("VERYSECRET"))
    }

    @Test func credentialChain() throws {
        var job = CloudWatchJob(jobName: "aws")
        let scratch = TemporaryDirectories()
        let folder = try scratch.make("credentials")
        let file = folder.appendingPathComponent("credentials").path
        try """
            [default]
            aws_access_key_id = AKIDDEFAULT
            aws_secret_access_key = defaultsecret

            [profile deploy]
            aws_access_key_id=AKIDDEPLOY
            aws_secret_access_key=deploysecret
            aws_session_token = deploytoken
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let environment = ["AWS_SHARED_CREDENTIALS_FILE": file, "HOME": folder.path]
        #expect(try CredentialChain.resolve(job, environment: environment) == AWSCredentials(accessKeyID: "AKIDDEFAULT", secretAccessKey: "defaultsecret"))
        #expect(try CredentialChain.resolve(job, environment: environment.merging(["AWS_PROFILE": "deploy"]) { $1 })
            == AWSCredentials(accessKeyID: "AKIDDEPLOY", secretAccessKey: "deploysecret", sessionToken: "deploytoken"))
        job.profile = "deploy"
        #expect(try CredentialChain.resolve(job, environment: environment).accessKeyID == "AKIDDEPLOY")
        let fromEnvironment = environment.merging(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "envtoken"]) { $1 }
        #expect(try CredentialChain.resolve(job, environment: fromEnvironment) == AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "envsecret", sessionToken: "envtoken"))
        job.accessKeyID = "AKIDCONFIG"
        job.secretAccessKey = .inline("configsecret")
        #expect(try CredentialChain.resolve(job, environment: fromEnvironment) == AWSCredentials(accessKeyID: "AKIDCONFIG", secretAccessKey: "configsecret"))
        job = CloudWatchJob(jobName: "aws")
        job.profile = "missing"
        let error = try #require(throws: CloudWatchError.self) { try CredentialChain.resolve(job, environment: environment) }
        #expect(error.code == "credentials")
        #expect(!"\(error)".contains("defaultsecret") && !"\(error)".contains("deploysecret"))
    }
}
