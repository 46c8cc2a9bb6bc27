// Tollgate — GoTemplate: a query result sample as Prometheus's templates see it.

/// One sample of an instant query's result, as Prometheus's templates see it: `.Labels`
/// (the metric name under `__name__`) and `.Value`.
public struct TemplateSample: Sendable, Equatable {
    /// The series' labels, `__name__` included.
    public var labels: [String: String]
    /// The sample value.
    public var value: Double

    /// Creates a sample.
    /// - Parameters:
    ///   - labels: The series' labels, `__name__` included.
    ///   - value: The sample value.
    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }

    /// The template value: a `*template.sample` with fields `Labels` and `Value`.
    public var templateValue: TemplateValue {
        .record(TemplateRecord(typeName: "template.sample", fields: [("Labels", .stringMap(labels)), ("Value", .float(value))], pointer: true))
    }
}

/// Runs an instant PromQL query at the evaluation time: what the `query` function calls.
public typealias TemplateQueryFunction = @Sendable (String) throws -> [TemplateSample]
