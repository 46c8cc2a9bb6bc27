// Tollgate — an empty store in a fresh temporary directory, for engine tests.

import Foundation
import Logging
import Storage
import TSDB
import TestSupport

/// Opens an empty store in a new directory from `scratch` (removed with it), logging warnings only.
func temporaryStore(_ name: String, in scratch: TemporaryDirectories) async throws -> TSDB {
    let directory = try scratch.make(name)
    var logger = Logger(label: name)
    logger.logLevel = .warning
    return try await TSDB.open(directory: directory.path, logger: logger)
}
