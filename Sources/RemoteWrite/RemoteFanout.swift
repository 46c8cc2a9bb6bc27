// Tollgate — RemoteWrite: the local store, with every committed batch also queued for remote write.

public import Model
public import Storage

/// An `Appendable` in front of the local store: a batch commits to the store first, and
/// once that commit returned, its samples go to every `remote_write` queue (durably, before
/// the commit returns to the scrape loop or rule group).
///
/// Scrape loops, rule groups, the import endpoint and the remote-write receiver all append
/// through it. Appends by reference keep working: the local store tells the label set of
/// each of its references (`labels`).
public final class RemoteFanout: Appendable, Sendable {
    let local: any Appendable
    let remote: RemoteStorage
    let labelsOfRef: @Sendable (SeriesRef) -> Labels?

    /// The local store `local`, fanned out to `remote`.
    /// - Parameter labels: the label set of a reference `local` handed out (TSDB's `labels(for:)`).
    public init(local: any Appendable, remote: RemoteStorage, labels: @escaping @Sendable (SeriesRef) -> Labels?) {
        self.local = local
        self.remote = remote
        labelsOfRef = labels
    }

    public func appender() -> any Appender {
        let inner = local.appender()
        guard remote.isActive else { return inner }
        return FanoutAppender(inner: inner, fanout: self)
    }

    public func ref(for labels: Labels) -> SeriesRef? { local.ref(for: labels) }

    func labels(of ref: SeriesRef) -> Labels? { labelsOfRef(ref) }
}

/// The local appender, with the batch's samples kept for the remote queues.
struct FanoutAppender: Appender {
    var inner: any Appender
    let fanout: RemoteFanout
    var samples: [RemoteSample] = []

    mutating func append(_ labels: Labels, t: Int64, v: Double) {
        inner.append(labels, t: t, v: v)
        samples.append(RemoteSample(labels: labels, t: t, v: v))
    }

    mutating func append(_ ref: SeriesRef, t: Int64, v: Double) {
        inner.append(ref, t: t, v: v)
        if let labels = fanout.labels(of: ref) { samples.append(RemoteSample(labels: labels, t: t, v: v)) }
    }

    mutating func reserveCapacity(byReference count: Int) {
        inner.reserveCapacity(byReference: count)
        samples.reserveCapacity(count)
    }

    var count: Int { inner.count }

    mutating func commit() async throws -> CommitResult {
        let batch = samples
        samples = []
        let result = try await inner.commit()
        if !batch.isEmpty { await fanout.remote.enqueue(batch) }
        return result
    }

    mutating func rollback() {
        samples = []
        inner.rollback()
    }
}
