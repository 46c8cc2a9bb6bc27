// Tollgate — what `global` hands down to each job.

import Model
import Testing

@testable import TollgateConfig

struct GlobalDefaultsTests {
    private static func seconds(_ value: Int64) -> PromDuration { PromDuration(milliseconds: value * 1000) }

    @Test func jobsTakeWhatTheyLeaveOutFromGlobal() throws {
        let config = try TollgateConfig(
            yaml: """
                global:
                  scrape_interval: 20s
                  scrape_timeout: 15s
                  scrape_protocols: [PrometheusText0.0.4]
                  sample_limit: 100
                  body_size_limit: 1MB
                scrape_configs:
                  - job_name: inherits
                  - job_name: own
                    scrape_interval: 10s
                    scrape_protocols: [OpenMetricsText1.0.0]
                    sample_limit: 0
                  - job_name: own_timeout
                    scrape_interval: 30s
                    scrape_timeout: 30s
                """, file: "d.yml")
        let jobs = config.scrapeConfigs
        #expect(config.global.scrapeProtocols == [.prometheusText0])
        #expect(jobs[0].scrapeInterval == Self.seconds(20) && jobs[0].scrapeTimeout == Self.seconds(15))
        #expect(jobs[0].scrapeProtocols == [.prometheusText0] && jobs[0].limits.sampleLimit == 100 && jobs[0].limits.bodySizeLimit == 1 << 20)
        #expect(jobs[1].scrapeInterval == Self.seconds(10) && jobs[1].scrapeTimeout == Self.seconds(10), "the global timeout cut to the interval")
        #expect(jobs[1].scrapeProtocols == [.openMetrics1])
        #expect(jobs[1].limits.sampleLimit == 0 && jobs[1].limits.bodySizeLimit == 1 << 20, "a limit given, even 0, is the job's own")
        #expect(jobs[2].scrapeInterval == Self.seconds(30) && jobs[2].scrapeTimeout == Self.seconds(30))
    }

    @Test func theJobInitializerTakesTheSamePass() {
        var global = GlobalConfig()
        global.scrapeInterval = Self.seconds(5)
        global.scrapeTimeout = Self.seconds(5)
        global.limits.labelLimit = 7
        global.scrapeProtocols = [.openMetrics0]
        let job = ScrapeConfig(jobName: "j", global: global)
        #expect(job.scrapeInterval == Self.seconds(5) && job.scrapeTimeout == Self.seconds(5))
        #expect(job.limits == global.limits && job.scrapeProtocols == [.openMetrics0])
    }

    @Test func globalTimeoutIsCutToItsInterval() throws {
        let config = try TollgateConfig(yaml: "global:\n  scrape_interval: 5s\n", file: "d.yml")
        #expect(config.global.scrapeTimeout == Self.seconds(5))
    }

    @Test func oneTimeoutRule() throws {
        #expect(try GlobalConfig.timeout(given: nil, inherited: Self.seconds(10), interval: Self.seconds(5)) == Self.seconds(5))
        #expect(try GlobalConfig.timeout(given: nil, inherited: Self.seconds(10), interval: Self.seconds(60)) == Self.seconds(10))
        #expect(try GlobalConfig.timeout(given: Self.seconds(5), inherited: Self.seconds(10), interval: Self.seconds(5)) == Self.seconds(5))
        #expect(throws: GlobalConfig.TimeoutLongerThanInterval.self) {
            try GlobalConfig.timeout(given: Self.seconds(6), inherited: Self.seconds(1), interval: Self.seconds(5))
        }
    }
}
