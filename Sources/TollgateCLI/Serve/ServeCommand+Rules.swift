// Tollgate — `serve`'s rules part: the engine as the rules' query function, alerts to the dispatcher.

import AlertDispatch
import Foundation
import Logging
import Model
import PromQL
import PromQLEngine
import Rules
import Storage
import TSDB

extension ServeCommand {
    /// The rules part: groups evaluated with `engine` over `tsdb` (writing through `appendable`), alerts through a dispatcher.
    /// - Throws: when the dispatcher's HTTP client cannot start.
    func rulesPart(engine: Engine, tsdb: TSDB, appendable: any Appendable, address: ListenAddress, parser: ParserOptions) throws -> RulesPart {
        let logger = Logger(label: "tollgate.rules")
        let dispatcher = try AlertDispatcher(logger: Logger(label: "tollgate.notifier"), capacity: rules.queueCapacity)
        let timings = rules.milliseconds
        var environment = RuleEnvironment(
            query: { query, time in
                try await engine.instantSamples(query, at: time).map { RuleSample(labels: $0.labels, value: $0.value) }
            },
            appendable: appendable, queryable: tsdb,
            notify: { _, alerts in dispatcher.send(alerts) },
            templates: RuleTemplates.standard(), logger: logger)
        environment.externalURL = ruleExternalURL(address)
        environment.resendDelay = timings.resendDelay
        environment.outageTolerance = timings.outageTolerance
        environment.forGracePeriod = timings.gracePeriod
        return RulesPart(manager: RuleManager(environment: environment, logger: logger), dispatcher: dispatcher, environment: environment, parserOptions: parser)
    }

    /// `--web.external-url` without a trailing slash, or Prometheus's default: this host at the listening port.
    func ruleExternalURL(_ address: ListenAddress) -> String {
        if let externalURL { return externalURL.hasSuffix("/") ? String(externalURL.dropLast()) : externalURL }
        return "http://\(ProcessInfo.processInfo.hostName):\(address.port)"
    }
}
