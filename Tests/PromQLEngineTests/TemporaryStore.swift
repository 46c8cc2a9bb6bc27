// Tollgate — an empty store in a fresh temporary directory, for engine tests.

import Foundation
import Logging
import Storage
import TSDB

/// Opens an empty store in a new temporary directory, logging warnings only.
func temporaryStore(_ name: String) async throws -> TSDB {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var logger = Logger(label: name)
    logger.logLevel = .warning
    return try await TSDB.open(directory: directory, logger: logger)
}
