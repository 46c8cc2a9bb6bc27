// Tollgate — loading the configuration for `serve`.

import TollgateConfig

/// Loads the configuration file, or the embedded default when none is given.
enum ServerSettings {
    static func load(path: String) throws -> TollgateConfig {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: path)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "\(error)")
        }
        return try TollgateConfig(yaml: String(decoding: bytes, as: UTF8.self), file: path)
    }
}
