// Tollgate — Rules: alert templates in Go's text/template with Prometheus's functions.

import Dispatch
import GoTemplate
import Model
import Synchronization

/// The template language Prometheus gives alerting rules, through the GoTemplate module.
///
/// A template that calls `query` needs the engine, which is asynchronous, from inside the
/// synchronous template executor: such a template runs on a thread of its own, where
/// waiting for the query blocks no thread of Swift's cooperative pool.
public struct GoAlertTemplates: AlertTemplates {
    /// The templates.
    public init() {}

    public func check(_ text: String, name: String) -> String? {
        do {
            try AlertTemplateExpander.check(text, alertName: Self.alertName(name))
            return nil
        } catch {
            return "\(error)"
        }
    }

    public func expand(_ text: String, name: String, data: AlertTemplateData, time: Int64, query: @escaping QueryFunc) async -> String {
        let alertName = Self.alertName(name)
        guard text.contains("{{") else { return text }
        guard text.contains("query") else {
            let expander = AlertTemplateExpander(
                context: PrometheusTemplateContext(evaluationTime: time, externalURL: data.externalURL), externalLabels: data.externalLabels)
            return expander.expand(text, alertName: alertName, labels: data.labels, value: data.value)
        }
        let templateQuery: TemplateQueryFunction = { expr in
            try Self.wait { try await query(expr, time) }.map { sample in
                var labels: [String: String] = [:]
                for label in sample.labels { labels[label.name] = label.value }
                return TemplateSample(labels: labels, value: sample.value)
            }
        }
        let expander = AlertTemplateExpander(
            context: PrometheusTemplateContext(query: templateQuery, evaluationTime: time, externalURL: data.externalURL),
            externalLabels: data.externalLabels)
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: expander.expand(text, alertName: alertName, labels: data.labels, value: data.value))
            }
        }
    }

    /// `X` of the template name `__alert_X`.
    static func alertName(_ templateName: String) -> String {
        templateName.hasPrefix("__alert_") ? String(templateName.dropFirst("__alert_".count)) : templateName
    }

    /// Runs `body` in a task and blocks the calling (non-cooperative) thread until it ends.
    static func wait<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) throws -> Result {
        let outcome = Mutex<Swift.Result<Result, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Swift.Result<Result, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let result = outcome.withLock({ $0 }) else { throw TemplateFunctionError("query did not finish") }
        return try result.get()
    }
}
