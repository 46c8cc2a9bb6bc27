// Tollgate — HTTPAPI: `GET /federate`, the newest sample of each matching series in the text format.

public import Model
public import Hummingbird
public import Storage

/// `GET /federate?match[]=…`: for every series any `match[]` selects, its newest sample
/// within the lookback window (stale markers left out), in the text format 0.0.4, one
/// `# TYPE name untyped` per metric name, with the sample's timestamp, as Prometheus's
/// federation answers. The external labels a series lacks are added, so a scraping
/// Prometheus or Tollgate with `honor_labels: true` keeps them (docs/scale-out.md).
public struct FederateRoutes: RouteRegistrar {
    let queryable: any Queryable
    let lookbackMilliseconds: Int64
    let externalLabels: @Sendable () -> [String: String]
    let clock: any MillisecondClock

    /// Routes answering from `queryable`.
    /// - Parameters:
    ///   - lookbackMilliseconds: how far back a series' newest sample may be (`--query.lookback-delta`).
    ///   - externalLabels: the running configuration's external labels.
    ///   - clock: the wall clock whose time is "now".
    public init(
        queryable: any Queryable, lookbackMilliseconds: Int64, clock: any MillisecondClock,
        externalLabels: @escaping @Sendable () -> [String: String]
    ) {
        self.queryable = queryable
        self.lookbackMilliseconds = lookbackMilliseconds
        self.clock = clock
        self.externalLabels = externalLabels
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let routes = self
        router.get("/federate") { request, _ in await routes.respond(to: request) }
    }

    private func respond(to request: Request) async -> Response {
        let form = APIForm(query: request.uri.query, body: [])
        let sets: [[LabelMatcher]]
        do {
            sets = try QueryAPI.matcherSets(form.all("match[]"))
        } catch {
            return APIRouter.plain(.badRequest, "\(error.message)\n")
        }
        let now = clock.now()
        var newest: [Labels: (Int64, Double)] = [:]
        do {
            for matchers in sets {
                for series in try await queryable.select(matchers, minTime: now - lookbackMilliseconds, maxTime: now) {
                    guard newest[series.labels] == nil else { continue }
                    guard let t = series.timestamps.last, let v = series.values.last, !SampleValue.isStaleMarker(v) else { continue }
                    newest[series.labels] = (t, v)
                }
            }
        } catch {
            return APIRouter.plain(.internalServerError, "federation failed: \(error)\n")
        }
        let body = Self.text(newest, externalLabels: externalLabels())
        return Response(status: .ok, headers: [.contentType: APIRouter.textFormatContentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The text format of `samples`, sorted by metric name, then by label set.
    static func text(_ samples: [Labels: (Int64, Double)], externalLabels: [String: String]) -> [UInt8] {
        let external = externalLabels.map { Label($0.key, $0.value) }
        var rows: [(Labels, Int64, Double)] = samples.map { labels, sample in
            guard !external.isEmpty else { return (labels, sample.0, sample.1) }
            var list = Array(labels)
            for label in external where labels[label.name] == nil { list.append(label) }
            return (Labels(sorting: list), sample.0, sample.1)
        }
        rows.sort { a, b in
            let nameA = a.0.metricName ?? "", nameB = b.0.metricName ?? ""
            return nameA != nameB ? nameA < nameB : Labels.precedes(a.0, b.0)
        }
        var out: [UInt8] = []
        var family: String?
        for (labels, t, v) in rows {
            let name = labels.metricName ?? ""
            if name != family {
                out.append(contentsOf: "# TYPE \(name) untyped\n".utf8)
                family = name
            }
            SeriesText.append(labels, to: &out)
            out.append(contentsOf: " \(GoFloat.formatG(v)) \(t)\n".utf8)
        }
        return out
    }
}
