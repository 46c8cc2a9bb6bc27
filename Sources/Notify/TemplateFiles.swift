// Tollgate — Notify: the notification template files alertmanager.yml names.

import Foundation
import GoTemplate
import TollgateConfig

/// The template files of alertmanager.yml's `templates` globs, checked as Alertmanager's
/// `template.FromGlobs` parses them (Go's template language with Alertmanager's functions).
public enum TemplateFiles {
    /// The functions Alertmanager adds to Go's builtins (`template.DefaultFuncs`); parsing
    /// needs their names only.
    public static let functionNames = [
        "toUpper", "toLower", "title", "trimSpace", "join", "match", "safeHtml", "safeUrl", "urlUnescape",
        "reReplaceAll", "stringSlice", "date", "tz", "since", "humanizeDuration", "toJson", "list", "append", "dict",
    ]

    /// The files the globs name that exist, in order (a glob matching nothing gives nothing).
    public static func paths(_ globs: [String]) -> [String] {
        PathPattern.expand(globs).filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The first problem parsing the files, in Go's words
    /// (`template: bad.tmpl:1: unexpected "}" in operand`); nil when all parse.
    public static func problem(_ globs: [String]) -> String? {
        let stubs = Dictionary(uniqueKeysWithValues: functionNames.map { name -> (String, TemplateFunction) in (name, { _ in .string("") }) })
        for path in paths(globs) {
            guard let data = FileManager.default.contents(atPath: path) else { return "open \(path): permission denied" }
            let name = URL(fileURLWithPath: path).lastPathComponent
            do {
                _ = try GoTemplate(name: name, text: String(decoding: data, as: UTF8.self), functions: stubs)
            } catch {
                return error.description
            }
        }
        return nil
    }
}
