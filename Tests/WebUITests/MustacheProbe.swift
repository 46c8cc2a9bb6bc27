// Tollgate — WebUI tests: parsing a template on its own.

import Mustache

enum MustacheProbe {
    static func parse(_ text: String) throws -> MustacheTemplate { try MustacheTemplate(string: text) }
}
