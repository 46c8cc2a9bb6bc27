// Tollgate — TollgateConfig: files read with every problem at once (rule files, guard files).

import Foundation
import Yams

/// A file format read to its end, so that what reads can still be checked further and
/// one run names every problem: the format gives ``read(yaml:path:)``; loading from a path
/// and the throwing initializers come with it.
public protocol CheckedFile: Sendable {
    /// The file's content that reads, and the problems of the rest.
    static func read(yaml: String, path: String) -> (Self, [ConfigError])
    /// The empty file at `path` (what a file that cannot be read gives).
    init(emptyAt path: String)
}

extension CheckedFile {
    /// ``read(yaml:path:)`` of the file at `path`; a file that cannot be read is one problem.
    public static func read(path: String) -> (Self, [ConfigError]) {
        do {
            return read(yaml: try String(contentsOfFile: path, encoding: .utf8), path: path)
        } catch {
            return (Self(emptyAt: path), [ConfigError(file: path, line: nil, field: nil, message: "cannot read the file: \(error.localizedDescription)")])
        }
    }

    /// Parses a file's text.
    /// - Throws: ``ConfigError`` with every problem of the file.
    public init(yaml: String, path: String) throws(ConfigError) {
        let (file, problems) = Self.read(yaml: yaml, path: path)
        if let error = ConfigError(collecting: problems) { throw error }
        self = file
    }

    /// Reads and parses the file at `path`.
    /// - Throws: ``ConfigError`` with every problem of the file.
    public init(path: String) throws(ConfigError) {
        let (file, problems) = Self.read(path: path)
        if let error = ConfigError(collecting: problems) { throw error }
        self = file
    }
}

extension CheckedFile {
    /// The problems of reading `yaml`'s first document with `body` (a second document is
    /// ignored, as Prometheus ignores it); an empty file has none. `body` reads through the
    /// reader it gets, which records each problem and goes on.
    static func problems(reading yaml: String, path: String, _ body: (Node, NodeReader) throws(ConfigError) -> Void) -> [ConfigError] {
        let root: Node?
        do {
            root = try Yams.compose_all(yaml: yaml).first(where: { _ in true }) ?? nil
        } catch {
            return [ConfigError(file: path, line: nil, field: nil, message: "invalid YAML: \(error)")]
        }
        guard let root else { return [] }
        let reader = NodeReader(file: path)
        reader.attempt { () throws(ConfigError) in try body(root, reader) }
        do {
            try reader.finish()
            return []
        } catch {
            return error.all
        }
    }
}
