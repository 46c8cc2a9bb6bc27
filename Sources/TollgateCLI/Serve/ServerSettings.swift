// Tollgate — loading the configuration for `serve`.

import TollgateConfig

/// Loads the configuration file, or the embedded default when none is given.
enum ServerSettings {
    static func load(path: String) throws -> TollgateConfig {
        try loadWithText(path: path).config
    }

    /// The configuration and the file's text (for the status API).
    static func loadWithText(path: String) throws -> (config: TollgateConfig, text: String) {
        let bytes: [UInt8]
        do {
            bytes = try InputFile.read(path: path)
        } catch {
            throw ConfigError(file: path, line: nil, field: nil, message: "\(error)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return (try TollgateConfig(yaml: text, file: path), text)
    }
}
