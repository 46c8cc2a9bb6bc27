// Tollgate — the admin API part: delete_series, clean_tombstones and snapshot over the store.

import Foundation
import HTTPAPI
import Logging
import Model
import TSDB

/// Prometheus's TSDB admin endpoints, off unless `--web.enable-admin-api`.
struct AdminPart: ServerPart {
    let admin: StoreAdmin
    let enabled: Bool
    /// `--web.max-request-size`: the largest form body.
    let maxBodyBytes: Int
    var name: String { "admin" }
    var routes: [any RouteRegistrar] {
        [AdminRoutes(source: admin, enabled: enabled, maxBodyBytes: maxBodyBytes, logger: Logger(label: "tollgate.admin"))]
    }
}

/// The store behind the admin endpoints: deletion in place, snapshots by SQLite's online backup.
struct StoreAdmin: TSDBAdminSource {
    let tsdb: TSDB
    /// The data directory; snapshots go under its `snapshots` folder.
    let dataDirectory: String

    func deleteSeries(_ selectors: [[LabelMatcher]], start: Int64, end: Int64) async throws {
        _ = try await tsdb.deleteSamples(matching: selectors, minTime: start, maxTime: end)
    }

    /// Backs the store up into `DIR/snapshots/<UTC time>-<16 hex digits>/tollgate.db`, as
    /// Prometheus names its snapshots; the copy opens with `--storage.tsdb.path` set to it.
    func snapshot(skipHead: Bool) async throws -> String {
        let name = Self.snapshotName(at: Date(), random: UInt64.random(in: 0...UInt64(Int64.max)))
        let folder = (dataDirectory as NSString).appendingPathComponent("snapshots/\(name)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try await tsdb.backup(to: (folder as NSString).appendingPathComponent("tollgate.db"))
        return name
    }

    /// `20240102T030405Z-0123456789abcdef`: Go's `20060102T150405Z0700` in UTC and `%016x`.
    static func snapshotName(at date: Date, random: UInt64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        let hex = String(random, radix: 16)
        let stamp = String(format: "%04d", c.year ?? 0) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
        return stamp + "-" + String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    }
}
