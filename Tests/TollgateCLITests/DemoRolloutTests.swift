// Tollgate — the canary demo (scripts/demo-rollout.sh) in its fast form: promoted when healthy, rolled back on injected errors.

import Foundation
import Testing

struct DemoRolloutTests {
    static var toolsPresent: Bool {
        ["python3", "curl", "bash"].allSatisfy { tool in
            (try? Binary.run(["-c", "command -v \(tool)"], executable: URL(fileURLWithPath: "/bin/sh")).status) == 0
        }
    }

    @Test(.enabled(if: toolsPresent, "the demo needs python3, curl and bash"))
    func theDemoPromotesAHealthyGreenAndRollsBackAFailingOne() async throws {
        let script = Binary.repositoryRoot.appendingPathComponent("scripts/demo-rollout.sh")
        let started = Date()
        let run = try await Binary.runDetached([script.path, "--watch", "2s 3s 3s", "--binary", Binary.url.path], executable: URL(fileURLWithPath: "/bin/bash"))
        let output = run.stdout + run.stderr
        #expect(run.status == 0, "\(output)")
        #expect(output.contains("[healthy] PROMOTED"), "\(output)")
        #expect(output.contains("[healthy] result: promoted"), "\(output)")
        #expect(output.contains("[failing] NO-GO: traffic back to blue"), "\(output)")
        #expect(output.contains("[failing] result: rolled_back"), "\(output)")
        // The injection happens at 50 %, after stage 1; the no-go follows within seconds.
        let rto = output.split(separator: "\n").first { $0.contains("RTO:") }.flatMap { line in
            line.split(separator: " ").compactMap { Double($0) }.first
        }
        let seconds = try #require(rto, "\(output)")
        #expect(seconds < 30, "RTO \(seconds) s")  // a few seconds alone; room for a loaded machine
        #expect(output.contains("error-ratio"), "the stored reason is shown: \(output)")
        #expect(Date().timeIntervalSince(started) < 300)
    }
}
