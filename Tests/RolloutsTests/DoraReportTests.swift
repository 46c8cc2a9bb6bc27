// Tollgate — Rollouts: the DORA figures from stored rollouts, against their targets.

import Guards
import Model
import Rollouts
import Testing
import TollgateConfig

struct DoraReportTests {
    static let day: Int64 = 86_400_000
    static let now: Int64 = 1_800_000_000_000
    static let plan = PlanSpec(name: "p", stages: [.init(traffic: 100, watch: PromDuration(milliseconds: 0))])

    static func rollout(
        _ id: String, service: String = "checkout", status: RolloutStatus, finished: Int64?, commit: Int64? = nil, failed: Int64? = nil
    ) -> Rollout {
        var rollout = Rollout(id: id, parameters: GuardParameters(service: service, version: id), guardName: "g", plan: plan, commitTime: commit, at: (finished ?? now) - 60_000)
        rollout.status = status
        rollout.finishedAt = finished
        rollout.failedAt = failed
        return rollout
    }

    @Test func figuresAndVerdicts() {
        let rollouts = [
            Self.rollout("a", status: .promoted, finished: Self.now - 20 * Self.day, commit: Self.now - 20 * Self.day - 10 * 60_000),
            Self.rollout("b", status: .promoted, finished: Self.now - 10 * Self.day, commit: Self.now - 10 * Self.day - 50 * 60_000),
            // Failed at its first no-go, rolled back a minute later, restored by "c" 4 minutes after the failure.
            Self.rollout("x", status: .rolledBack, finished: Self.now - 5 * Self.day + 60_000, failed: Self.now - 5 * Self.day),
            Self.rollout("c", status: .promoted, finished: Self.now - 5 * Self.day + 4 * 60_000, commit: Self.now - 5 * Self.day),
            // Another service's failure, never restored.
            Self.rollout("y", service: "payments", status: .rolledBack, finished: Self.now - Self.day),
            Self.rollout("active", status: .active, finished: nil),
            // Outside the window.
            Self.rollout("old", status: .rolledBack, finished: Self.now - 40 * Self.day),
        ]
        let report = DoraReport(rollouts: rollouts, window: 30 * Self.day, at: Self.now, targets: DoraConfig())
        #expect(report.promoted == 3 && report.rolledBack == 2 && report.active == 1 && report.unrestored == 1)
        #expect(report["deployment_frequency"]?.value == 0.1)
        #expect(report["deployment_frequency"]?.met == false)
        // Lead times 10, 50 and 4 minutes: median 10 minutes, under the 30-minute target.
        #expect(report["lead_time"]?.value == 600)
        #expect(report["lead_time"]?.met == true)
        #expect(report["change_failure_rate"]?.value == 0.4)
        #expect(report["success_rate"]?.value == 0.6)
        #expect(report["success_rate"]?.met == false)
        #expect(report["time_to_restore"]?.value == 240)
        #expect(report["time_to_restore"]?.met == true)
        #expect(report["time_to_restore"]?.count == 1)
        let json = String(decoding: report.json, as: UTF8.self)
        #expect(json.contains(#""change_failure_rate":{"value":0.4,"unit":"ratio","target":0.05,"comparison":"at_most","met":false,"count":5}"#), "\(json)")
    }

    @Test func noRolloutsGiveNoValuesAndNoVerdicts() {
        let report = DoraReport(rollouts: [], window: Self.day, at: Self.now, targets: DoraConfig())
        #expect(report["deployment_frequency"]?.value == 0)
        for name in ["lead_time", "change_failure_rate", "time_to_restore", "success_rate"] {
            #expect(report[name]?.value == nil)
            #expect(report[name]?.met == nil)
        }
        #expect(String(decoding: report.json, as: UTF8.self).contains(#""lead_time":{"value":null,"unit":"seconds","target":1800,"comparison":"at_most","met":null,"count":0}"#))
    }

    @Test func targetsComeFromTheConfiguration() throws {
        let config = try TollgateConfig(
            yaml: """
                dora: {window: 7d, deployments_per_day: 0.1, lead_time: 1h, time_to_restore: 10m, change_failure_rate: 0.5, success_rate: 0.5}
                rollout_webhooks:
                  - http://a.example/hook
                  - {url: 'https://b.example/hook', timeout: 2s, max_retries: 1, authorization: {credentials: s3cret}}
                """, file: "tollgate.yml")
        #expect(config.dora.window.milliseconds == 7 * Self.day)
        #expect(config.dora.leadTime.milliseconds == 3_600_000)
        #expect(config.rolloutWebhooks.map(\.url) == ["http://a.example/hook", "https://b.example/hook"])
        #expect(config.rolloutWebhooks[1].maxRetries == 1 && config.rolloutWebhooks[1].timeout.milliseconds == 2000)
        #expect(throws: ConfigError.self) { try TollgateConfig(yaml: "dora: {change_failure_rate: 5}", file: "t.yml") }
        do {
            _ = try TollgateConfig(yaml: "rollout_webhooks: [ftp://x]\ndora: {lead_time: soon}", file: "t.yml")
        } catch {
            #expect("\(error)".contains("t.yml:1: rollout_webhooks[0]: invalid webhook URL"), "\(error)")
            #expect("\(error)".contains("dora.lead_time: invalid duration"), "\(error)")
        }
    }
}
