// Tollgate — Storage: label cardinalities, as `/api/v1/status/tsdb` reports them.

/// The largest label cardinalities, as Prometheus's `/api/v1/status/tsdb` reports them.
public struct TSDBCardinality: Sendable, Equatable {
    /// One statistic: a name (metric, label name or `name=value` pair) and its count.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var value: Int
        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }

    /// Series per metric name, largest first.
    public var seriesCountByMetricName: [Entry] = []
    /// Distinct values per label name, largest first.
    public var labelValueCountByLabelName: [Entry] = []
    /// Bytes of label values per label name (value length × series), largest first.
    public var memoryInBytesByLabelName: [Entry] = []
    /// Series per `name=value` pair, largest first.
    public var seriesCountByLabelValuePair: [Entry] = []
    /// Distinct `name=value` pairs over every series.
    public var labelPairCount = 0

    public init() {}
}
