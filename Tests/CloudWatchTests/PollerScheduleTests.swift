// Tollgate — CloudWatch tests: the poller's schedule and reloads.

import Model
import Testing
import TollgateConfig

@testable import CloudWatch

@Suite struct PollerScheduleTests {
    func job(_ name: String, interval: Int64 = 60_000, region: String = "us-east-1") -> CloudWatchJob {
        var job = CloudWatchJob(jobName: name)
        job.regions = [region]
        job.interval = PromDuration(milliseconds: interval)
        return job
    }

    /// Each job is due at once, then one interval later; a reload polls a changed or new job
    /// at once and keeps an unchanged job's schedule; a dropped job stops.
    @Test func dueTimesAndReloads() async {
        let state = PollerState(jobs: [job("a"), job("b", interval: 120_000)])
        #expect(await state.takeDue(at: 1_000).map(\.jobName) == ["a", "b"])
        #expect(await state.takeDue(at: 30_000).isEmpty)
        #expect(await state.takeDue(at: 61_000).map(\.jobName) == ["a"])
        #expect(await state.takeDue(at: 121_000).map(\.jobName) == ["a", "b"])
        await state.replace([job("a"), job("b", interval: 120_000, region: "eu-west-1"), job("c")])
        #expect(await state.takeDue(at: 122_000).map(\.jobName) == ["b", "c"])
        await state.replace([job("c")])
        #expect(await state.takeDue(at: 500_000).map(\.jobName) == ["c"])
    }

    /// The ListMetrics cache keeps answers for the TTL; 0 keeps nothing; a reload empties it.
    @Test func listCache() async {
        let state = PollerState(jobs: [])
        let listed = [ListedMetric(namespace: "AWS/RDS", metricName: "X", dimensions: [])]
        await state.storeList("k", listed, at: 0)
        #expect(await state.cachedList("k", now: 599_999, ttl: 600_000) == listed)
        #expect(await state.cachedList("k", now: 600_000, ttl: 600_000) == nil)
        #expect(await state.cachedList("k", now: 1, ttl: 0) == nil)
        await state.replace([])
        #expect(await state.cachedList("k", now: 1, ttl: 600_000) == nil)
    }

    /// Backoff pauses stay within [0, min(cap, base × 2^n)].
    @Test func backoffWithJitter() {
        let policy = RetryPolicy(maxAttempts: 5, base: .milliseconds(200), cap: .seconds(1))
        for retry in 0..<8 {
            for _ in 0..<50 {
                let pause = policy.pause(beforeRetry: retry)
                #expect(pause >= .zero && pause <= min(.seconds(1), .milliseconds(200) * (1 << retry)))
            }
        }
        #expect(CloudWatchError(operation: "GetMetricData", status: 400, code: "Throttling", message: "").isRetryable)
        #expect(CloudWatchError(operation: "GetMetricData", status: 400, code: "LimitExceeded", message: "").isRetryable)
        #expect(CloudWatchError(operation: "GetMetricData", status: 429, code: "HTTP429", message: "").isRetryable)
        #expect(CloudWatchError(operation: "GetMetricData", status: 502, code: "HTTP502", message: "").isRetryable)
        #expect(!CloudWatchError(operation: "GetMetricData", status: 403, code: "ExpiredToken", message: "").isRetryable)
        #expect(CloudWatchError(operation: "GetMetricData", status: 403, code: "ExpiredToken", message: "").isAuthentication)
        #expect(!CloudWatchError(operation: "GetMetricData", status: 400, code: "InvalidParameterValue", message: "").isRetryable)
    }
}
