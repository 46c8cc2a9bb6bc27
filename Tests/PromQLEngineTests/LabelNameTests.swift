// Tollgate — label names from queries must be valid UTF-8, as Prometheus 3.x checks them.

import Model
import PromQLEngine
import Storage
import Testing

struct LabelNameTests {
    static func engine() async throws -> Engine {
        let store = InMemoryStore()
        var appender = store.appender()
        appender.append(Labels(["__name__": "up", "job": "api"]), t: 0, v: 1)
        _ = try await appender.commit()
        return Engine(queryable: store)
    }

    /// `"\xff"` decodes to a byte that is not UTF-8: Prometheus answers 422 with
    /// "invalid destination label name" (2.42 also refuses it; both agree here).
    @Test(arguments: [
        (#"label_replace(up, "\xff", "x", "job", "(.*)")"#, "invalid destination label name in label_replace(): \u{FFFD}"),
        (#"label_join(up, "\xff", ",", "job")"#, "invalid destination label name in label_join(): \u{FFFD}"),
        (#"label_join(up, "dst", ",", "\xff")"#, "invalid source label name in label_join(): \u{FFFD}"),
        (#"label_replace(up, "", "x", "job", "(.*)")"#, "invalid destination label name in label_replace(): "),
    ])
    func invalidNamesAreRefused(_ query: String, _ message: String) async throws {
        let engine = try await Self.engine()
        do {
            _ = try await engine.instantQuery(query, at: 0)
            Issue.record("\(query) was accepted")
        } catch {
            #expect(error.kind == .execution)
            #expect(error.message == message)
        }
    }

    @Test func utf8NamesAreAccepted() async throws {
        let result = try await Self.engine().instantQuery(#"label_replace(up, "dienst_ü", "$1", "job", "(.*)")"#, at: 0)
        guard case .vector(let samples) = result.value else {
            Issue.record("not a vector: \(result.value)")
            return
        }
        #expect(samples.first?.labels["dienst_ü"] == "api")
    }
}
