// Tollgate — GoTemplate: template sets (several files sharing their definitions), methods and
// action writers, for callers that execute Go templates over typed data (the notifier).

/// Finds the Go method `name` of `receiver`'s type, or nil when it has none.
package typealias TemplateMethodResolver = @Sendable (_ receiver: TemplateValue, _ name: String) -> TemplateFunction?

/// Writes the value of an action to `output`; `lastFunction` names the pipeline's last
/// command when it is a function call (html/template elides an escaper it ends with).
package typealias TemplateActionWriter = @Sendable (_ output: inout String, _ value: TemplateValue, _ lastFunction: String?) -> Void

extension GoTemplate {
    /// This template with `other`'s definitions added, as Go's `Parse` of another file into
    /// the same set does: a non-empty definition in `other` replaces this one's; the main
    /// template stays this one's.
    /// - Parameter other: Templates parsed with the same functions.
    /// - Returns: The combined set.
    package func merging(_ other: GoTemplate) -> GoTemplate {
        var combined = self
        for (treeName, tree) in other.trees where treeName != other.name {
            if let existing = combined.trees[treeName], !TemplateParser.isEmpty(existing), TemplateParser.isEmpty(tree) { continue }
            combined.trees[treeName] = tree
        }
        return combined
    }

    /// This template with every definition of `library` it does not define itself (non-empty),
    /// as Alertmanager's `ExecuteTextString` parses a text into a clone of its set.
    /// - Parameter library: The set's definitions.
    /// - Returns: The template, able to call the library's definitions.
    package func addingDefinitions(from library: GoTemplate) -> GoTemplate {
        var combined = self
        for (treeName, tree) in library.trees where treeName != library.name && treeName != name {
            if let existing = combined.trees[treeName], !TemplateParser.isEmpty(existing) { continue }
            combined.trees[treeName] = tree
        }
        return combined
    }
}
