// Tollgate — guard files: the issue's example, substitution, and every problem in one pass.

import Guards
import Model
import Testing
import TollgateConfig

struct GuardFileTests {
    static let example = """
        guards:
          - name: checkout-api
            interval: 15s
            window: 5m
            no_data: inconclusive
            checks:
              - name: error-ratio
                expr: sum(rate(http_requests_total{service="$service",version="$version",code=~"5.."}[1m]))
                      / sum(rate(http_requests_total{service="$service",version="$version"}[1m]))
                max: 0.01
                for: 30s
              - name: p99-latency-vs-baseline
                compare: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="$service",version="$$v"}[1m])))
                step: 15s
                direction: increase
                confidence: 0.98
                allowed_increase: 1.2
                critical: true
            vetoes:
              - matchers: ['service="$service"', 'severity="critical"']
        plans:
          - name: blue-green
            stages: [{traffic: 10, watch: 5m}, {traffic: 50, watch: 10m}, {traffic: 100, watch: 15m}]
        """

    @Test func readsTheIssueExample() throws {
        let file = try GuardFile(yaml: Self.example, path: "guards.yml")
        let spec = try #require(file.guards.first)
        #expect(spec.name == "checkout-api")
        #expect(spec.interval?.milliseconds == 15_000)
        #expect(spec.window.milliseconds == 300_000)
        #expect(spec.noData == .inconclusive)
        #expect(spec.checks.map(\.name) == ["error-ratio", "p99-latency-vs-baseline"])
        guard case .threshold(let threshold) = spec.checks[0].kind else { Issue.record("not a threshold"); return }
        #expect(threshold.max == 0.01 && threshold.min == nil)
        #expect(spec.checks[0].holdDuration.milliseconds == 30_000)
        guard case .comparison(let comparison) = spec.checks[1].kind else { Issue.record("not a comparison"); return }
        #expect(comparison.step.milliseconds == 15_000 && comparison.direction == .increase && comparison.confidence == 0.98)
        #expect(comparison.allowedIncrease == 1.2 && spec.checks[1].critical)
        #expect(spec.vetoes.first?.matchers == ["service=\"$service\"", "severity=\"critical\""])
        #expect(file.plans == [PlanSpec(name: "blue-green", stages: [
            .init(traffic: 10, watch: PromDuration(milliseconds: 300_000)), .init(traffic: 50, watch: PromDuration(milliseconds: 600_000)),
            .init(traffic: 100, watch: PromDuration(milliseconds: 900_000)),
        ], line: 22)])
        #expect(GuardFileCheck.problems(in: file).isEmpty)
    }

    @Test func substitutesParameters() throws {
        let parameters = GuardParameters(service: "check\"out", version: "v2", baseline: "v1")
        #expect(parameters.substitute(in: #"x{s="$service",v="$version",b="$baseline"}[$window]"#, window: "5m") == #"x{s="check\"out",v="v2",b="v1"}[5m]"#)
        #expect(parameters.substitute(in: #"x{v="$$v"}"#, v: "v1") == #"x{v="v1"}"#)
        let veto = VetoSpec(matchers: ["service=\"$service\"", "severity=~\"critical|page\""])
        let matchers = try veto.labelMatchers(GuardParameters(service: "checkout", version: "v2"))
        #expect(Labels(["service": "checkout", "severity": "page"]).matches(matchers))
        #expect(!Labels(["service": "billing", "severity": "page"]).matches(matchers))
    }

    @Test func namesEveryProblemWithLineAndField() {
        let yaml = """
            guards:
              - name: a
                window: 0s
                colour: blue
                checks:
                  - name: both
                    expr: up
                    compare: up{version="$$v"}
                  - name: bounds
                    expr: up
                  - name: cmp
                    compare: up
                  - name: conf
                    compare: up{version="$$v"}
                    confidence: 1.5
                  - name: inverted
                    expr: up
                    max: 1
                    min: 2
                vetoes:
                  - matchers: ['service=~"("']
              - name: a
                checks: [{name: x, expr: up, max: 1}]
            plans:
              - name: down
                stages: [{traffic: 50, watch: 1m}, {traffic: 10, watch: 1m}, {traffic: 100}]
              - name: short
                stages: [{traffic: 10, watch: 1m}, {traffic: 90, watch: 1m}]
              - name: over
                stages: [{traffic: 120, watch: 1m}]
            """
        let (_, problems) = GuardFile.read(yaml: yaml, path: "bad.yml")
        let located = problems.map(\.located)
        let expected = [
            "bad.yml:3: guards[0].window: must be positive",
            "bad.yml:4: guards[0].colour: unknown field",
            "bad.yml:6: guards[0].checks[0]: check \"both\": only one of 'expr' and 'compare' may be set",
            "bad.yml:9: guards[0].checks[1]: check \"bounds\": a threshold needs 'max', 'min' or both",
            "bad.yml:11: guards[0].checks[2].compare: check \"cmp\": a comparison's expression must use $$v (the canary version, then the baseline)",
            "bad.yml:15: guards[0].checks[3].confidence: confidence must be between 0 and 1, e.g. 0.98",
            "bad.yml:16: guards[0].checks[4].min: check \"inverted\": min 2.0 is above max 1.0",
            "bad.yml:21: guards[0].vetoes[0].matchers: invalid matchers: ",
            "bad.yml:22: guards[1].name: guard \"a\" is repeated in the same file",
            "bad.yml:26: plans[0].stages[1].traffic: plan \"down\": traffic must increase from stage to stage (50 then 10)",
            "bad.yml:28: plans[1].stages[1].traffic: plan \"short\" must end at traffic 100, not 90",
            "bad.yml:30: plans[2].stages[0].traffic: invalid traffic \"120\"; expected a whole percent 1…100",
        ]
        #expect(located.count == expected.count, "\(located.joined(separator: "\n"))")
        for (have, want) in zip(located, expected) { #expect(have.hasPrefix(want), "\(have)\n  wanted \(want)") }
    }

    @Test func checksExpressionsWithThePromQLParser() throws {
        let yaml = """
            guards:
              - name: g
                checks:
                  - name: broken
                    expr: sum(rate(x{service="$service"}[1m])
                    max: 1
                  - name: range
                    expr: x{service="$service"}[$window]
                    max: 1
                  - name: fine
                    compare: histogram_quantile(0.99, sum by (le) (rate(x_bucket{version="$$v"}[$window])))
            """
        let file = try GuardFile(yaml: yaml, path: "g.yml")
        let problems = GuardFileCheck.problems(in: file).map(\.located)
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.first?.hasPrefix("g.yml:5: guards[0].checks[0].expr: guard \"g\", check \"broken\": could not parse expression:") == true)
        #expect(problems.last == "g.yml:8: guards[0].checks[1].expr: guard \"g\", check \"range\": expression must give an instant vector or a scalar, not range vector")
    }
}
