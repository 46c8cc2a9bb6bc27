// Tollgate — `tollgate check guards`: SUCCESS for a good file, every problem under FAILED for a bad one, exit 1.

import Foundation
import Testing

struct CheckGuardsTests {
    @Test func goodAndBadFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("check-guards-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.yml"), bad = directory.appendingPathComponent("bad.yml")
        try """
            guards:
              - name: checkout-api
                checks:
                  - name: error-ratio
                    expr: sum(rate(errors_total{service="$service",version="$version"}[1m])) / sum(rate(requests_total{service="$service",version="$version"}[1m]))
                    max: 0.01
                  - name: latency
                    compare: max(latency_seconds{service="$service",version="$$v"})
            plans:
              - name: steps
                stages: [{traffic: 10, watch: 5m}, {traffic: 100, watch: 5m}]
            """.write(to: good, atomically: true, encoding: .utf8)
        try """
            guards:
              - name: g
                checks:
                  - name: broken
                    expr: sum(rate(x{service="$service"}[1m])
                    max: 1
            plans:
              - name: p
                stages: [{traffic: 10, watch: 1m}, {traffic: 90, watch: 1m}]
            """.write(to: bad, atomically: true, encoding: .utf8)
        let passing = try Binary.run(["check", "guards", good.path])
        #expect(passing.status == 0)
        #expect(passing.stdout == "Checking \(good.path)\n  SUCCESS: 1 guards, 1 plans found\n\n")
        let failing = try Binary.run(["check", "guards", good.path, bad.path])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("\(bad.path):9: plans[0].stages[1].traffic: plan \"p\" must end at traffic 100, not 90\n"))
        #expect(failing.stderr.contains("\(bad.path):5: guards[0].checks[0].expr: guard \"g\", check \"broken\": could not parse expression: "))
    }
}
