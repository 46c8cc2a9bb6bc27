// Tollgate — scrape_configs in prometheus.yml's own form.

import Relabel
import Model
import Testing

@testable import TollgateConfig

struct ScrapeConfigTests {
    /// A prometheus.yml using every field Tollgate supports, as a user would write it.
    static let full = """
        global:
          scrape_interval: 30s
          scrape_timeout: 20s
          sample_limit: 5000
          external_labels: {dc: eu1}
        scrape_configs:
          - job_name: node
            scrape_interval: 15s
            metrics_path: /probe
            scheme: https
            params:
              module: [http_2xx, tcp]
            honor_labels: true
            honor_timestamps: false
            track_timestamps_staleness: true
            enable_compression: false
            scrape_protocols: [PrometheusText0.0.4, OpenMetricsText1.0.0]
            fallback_scrape_protocol: PrometheusText0.0.4
            label_limit: 30
            label_name_length_limit: 100
            label_value_length_limit: 200
            body_size_limit: 10MB
            target_limit: 50
            basic_auth:
              username: scraper
              password_file: secrets/pass
            tls_config:
              ca_file: /etc/ssl/ca.pem
              server_name: node.internal
              insecure_skip_verify: false
              min_version: TLS13
            proxy_url: http://proxy:3128
            follow_redirects: false
            enable_http2: false
            http_headers:
              X-Tenant: {values: [a, b]}
            static_configs:
              - targets: ['10.0.0.1:9100', '10.0.0.2:9100']
                labels: {env: prod}
            file_sd_configs:
              - files: [targets/*.json]
                refresh_interval: 1m
            relabel_configs:
              - source_labels: [__address__]
                regex: '(.*):\\d+'
                target_label: host
              - action: labeldrop
                regex: tmp_.*
            metric_relabel_configs:
              - source_labels: [__name__]
                regex: go_.*
                action: drop
          - job_name: self
            authorization: {credentials: abc}
            static_configs: [{targets: ['localhost:9090']}]
        """

    @Test func readsEverySupportedField() throws {
        let config = try TollgateConfig(yaml: Self.full, file: "/etc/tollgate/prometheus.yml")
        #expect(config.scrapeConfigs.map(\.jobName) == ["node", "self"])
        let node = config.scrapeConfigs[0]
        #expect(node.scrapeInterval == PromDuration(milliseconds: 15_000))
        #expect(node.scrapeTimeout == PromDuration(milliseconds: 15_000), "the global timeout is cut to the job's interval")
        #expect(node.metricsPath == "/probe" && node.scheme == "https")
        #expect(node.params == ["module": ["http_2xx", "tcp"]])
        #expect(node.honorLabels && !node.honorTimestamps && node.trackTimestampsStaleness && !node.enableCompression)
        #expect(node.scrapeProtocols == [.prometheusText0, .openMetrics1])
        #expect(node.fallbackProtocol == .prometheusText0)
        #expect(node.limits.sampleLimit == 5000, "inherited from global")
        #expect(node.limits.labelLimit == 30 && node.limits.labelNameLengthLimit == 100 && node.limits.labelValueLengthLimit == 200)
        #expect(node.limits.bodySizeLimit == 10 << 20 && node.limits.targetLimit == 50)
        #expect(node.http.basicAuth?.username == .inline("scraper"))
        #expect(node.http.basicAuth?.password == .file("/etc/tollgate/secrets/pass"), "relative to the config file")
        #expect(node.http.tls.caFile == "/etc/ssl/ca.pem" && node.http.tls.serverName == "node.internal" && node.http.tls.minVersion == "TLS13")
        #expect(node.http.proxyURL == "http://proxy:3128" && !node.http.followRedirects && !node.http.enableHTTP2)
        #expect(node.http.headers["X-Tenant"]?.values == ["a", "b"])
        #expect(node.staticConfigs == [TargetGroup(targets: ["10.0.0.1:9100", "10.0.0.2:9100"], labels: ["env": "prod"], source: "0")])
        #expect(node.fileSDConfigs.first?.files == ["/etc/tollgate/targets/*.json"])
        #expect(node.fileSDConfigs.first?.refreshInterval == PromDuration(milliseconds: 60_000))
        #expect(node.relabelConfigs.map(\.action) == [.replace, .labeldrop])
        #expect(node.relabelConfigs[0].regex == "(.*):\\d+")
        #expect(node.metricRelabelConfigs.first?.action == .drop)
        let selfJob = config.scrapeConfigs[1]
        #expect(selfJob.scrapeInterval == PromDuration(milliseconds: 30_000) && selfJob.scrapeTimeout == PromDuration(milliseconds: 20_000))
        #expect(selfJob.http.authorization == HTTPClientConfig.Authorization(type: "Bearer", credentials: .inline("abc")))
        #expect(config.global.externalLabels == ["dc": "eu1"])
    }

    @Test(arguments: [
        ("scrape_configs:\n  - job_name: a\n    consul_sd_configs: []\n", 3, "scrape_configs[0].consul_sd_configs", "not supported by this version of Tollgate yet"),
        ("scrape_configs:\n  - job_name: a\n    oauth2: {}\n", 3, "scrape_configs[0].oauth2", "not supported by this version of Tollgate yet"),
        ("scrape_configs:\n  - job_name: a\n    native_histogram_bucket_limit: 3\n", 3, "scrape_configs[0].native_histogram_bucket_limit",
         "not supported by this version of Tollgate yet"),
        ("scrape_configs:\n  - job_name: a\n    scrape_intervall: 1s\n", 3, "scrape_configs[0].scrape_intervall", "unknown field"),
        ("scrape_configs:\n  - job_name: a\n  - job_name: a\n", 3, "scrape_configs[1].job_name", "found multiple scrape configs with job name \"a\""),
        ("scrape_configs:\n  - scrape_interval: 1s\n", 2, "scrape_configs[0].job_name", "job_name is empty"),
        ("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n", 2, "scrape_configs[0].scrape_timeout",
         "scrape timeout greater than scrape interval for scrape config with job name \"a\""),
        ("scrape_configs:\n  - job_name: a\n    scheme: ftp\n", 3, "scrape_configs[0].scheme", "unknown scheme \"ftp\"; expected http or https"),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: replace\n        regex: x\n", 4, "scrape_configs[0].relabel_configs[0]",
         "relabel configuration for replace action requires 'target_label' value"),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: explode\n", 4, "scrape_configs[0].relabel_configs[0].action",
         "unknown relabel action \"explode\""),
        ("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['']\n", 4, "scrape_configs[0].static_configs[0].targets[0]",
         "empty target address"),
        ("scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusProto]\n", 3, "scrape_configs[0].scrape_protocols[0]",
         "the protobuf scrape protocol is not supported by this version of Tollgate yet"),
        ("scrape_configs:\n  - job_name: a\n    sample_limit: -1\n", 3, "scrape_configs[0].sample_limit", "invalid number \"-1\"; expected a whole number ≥ 0"),
        ("scrape_configs:\n  - job_name: a\n    basic_auth: {password: x, password_file: y}\n", 3, "scrape_configs[0].basic_auth",
         "at most one of basic_auth password & password_file must be configured"),
    ] as [(String, Int, String, String)])
    func errorsNameLineAndField(_ yaml: String, _ line: Int, _ field: String, _ message: String) {
        #expect(throws: ConfigError(file: "p.yml", line: line, field: field, message: message)) {
            try TollgateConfig(yaml: yaml, file: "p.yml")
        }
    }

    @Test func fileSDReadsJSONAndYAML() throws {
        let json = #"[{"targets": ["a:1", "b:2"], "labels": {"env": "dev"}}, {"targets": ["c:3"]}]"#
        #expect(try TargetGroup.fileSD(json, file: "t.json") == [
            TargetGroup(targets: ["a:1", "b:2"], labels: ["env": "dev"], source: "t.json:0"),
            TargetGroup(targets: ["c:3"], source: "t.json:1"),
        ])
        let yaml = "- targets: [a:1]\n  labels:\n    env: dev\n"
        #expect(try TargetGroup.fileSD(yaml, file: "t.yml") == [TargetGroup(targets: ["a:1"], labels: ["env": "dev"], source: "t.yml:0")])
        #expect(throws: ConfigError(file: "t.yml", line: 2, field: "[0].labelz", message: "unknown field")) {
            try TargetGroup.fileSD("- targets: [a:1]\n  labelz: {}\n", file: "t.yml")
        }
    }

    @Test func embeddedDefaultScrapesItself() {
        let config = TollgateConfig.embeddedDefault(selfAddress: "127.0.0.1:9090")
        #expect(config.scrapeConfigs.map(\.jobName) == ["tollgate"])
        #expect(config.scrapeConfigs[0].staticConfigs.first?.targets == ["127.0.0.1:9090"])
        #expect(config.scrapeConfigs[0].scrapeInterval == PromDuration(milliseconds: 15_000))
        #expect(config.guardFiles == ["rules/guards/*.yml"])
    }
}
