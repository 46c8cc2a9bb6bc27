// Tollgate fuzzing: libFuzzer's entry points. The binary links libFuzzer's own `main`
// (`--sanitize fuzzer`); TOLLGATE_FUZZ_TARGET names the target that every input goes to
// (`TOLLGATE_FUZZ_TARGET=list tollgate-fuzz` lists them).

#if canImport(Glibc)
import Glibc
#endif

/// The target chosen at start-up (libFuzzer calls the entry point from one thread only).
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let name = getenv("TOLLGATE_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: "\n")
        if name == "list" {
            print(names)
            exit(0)
        }
        print("tollgate-fuzz: set TOLLGATE_FUZZ_TARGET to one of:\n\(names)")
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    selected?.run(input)
    return 0
}

/// One fuzz target: a parser fed one input.
struct FuzzTarget: Sendable {
    /// The name `make fuzz` and TOLLGATE_FUZZ_TARGET use.
    let name: String
    /// Feeds one input to the parser; only a crash, a hang or a sanitizer report is a finding.
    let run: @Sendable ([UInt8]) -> Void

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "exposition-text", run: Targets.expositionText),
        FuzzTarget(name: "exposition-openmetrics", run: Targets.expositionOpenMetrics),
        FuzzTarget(name: "promql", run: Targets.promQL),
        FuzzTarget(name: "series-description", run: Targets.seriesDescription),
        FuzzTarget(name: "config-tollgate", run: Targets.tollgateConfig),
        FuzzTarget(name: "config-file-sd", run: Targets.fileSD),
        FuzzTarget(name: "config-rules", run: Targets.ruleFile),
        FuzzTarget(name: "config-rule-tests", run: Targets.ruleTestFile),
        FuzzTarget(name: "config-alertmanager", run: Targets.alertmanagerFile),
        FuzzTarget(name: "config-guards", run: Targets.guardFile),
        FuzzTarget(name: "config-probe-modules", run: Targets.probeModules),
        FuzzTarget(name: "go-template", run: Targets.goTemplate),
        FuzzTarget(name: "am-matchers", run: Targets.alertmanagerMatchers),
        FuzzTarget(name: "remote-write", run: Targets.remoteWrite),
        FuzzTarget(name: "cloudwatch-xml", run: Targets.cloudWatchXML),
        FuzzTarget(name: "api-am-alerts", run: Targets.postableAlerts),
        FuzzTarget(name: "api-am-silence", run: Targets.postableSilence),
        FuzzTarget(name: "api-rollout", run: Targets.rolloutRequests),
        FuzzTarget(name: "gzip", run: Targets.gzip),
        FuzzTarget(name: "tsdb-log-record", run: Targets.tsdbLogRecord),
    ]
}
