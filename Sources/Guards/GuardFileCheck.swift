// Tollgate — Guards: a guard file's expressions, parsed and type-checked.

import Model
public import PromQL
public import TollgateConfig

/// Checks what ``GuardFile`` cannot without the PromQL parser: every check's expression,
/// with the placeholders substituted (``GuardParameters/placeholders``, `$$v` bound to
/// both versions, `$window` to the guard's window), parses, type-checks and gives an
/// instant vector or a scalar. `tollgate check guards` and the server's loader use it.
public enum GuardFileCheck {
    /// The problems of `file`'s expressions, in file order (empty when all are good).
    /// - Parameters:
    ///   - file: a guard file, as ``GuardFile`` read it.
    ///   - options: the parser's experimental switches (`--enable-feature`).
    public static func problems(in file: GuardFile, options: ParserOptions = ParserOptions()) -> [ConfigError] {
        var problems: [ConfigError] = []
        let parameters = GuardParameters.placeholders
        for spec in file.guards {
            for check in spec.checks {
                let versions: [String?]
                if case .comparison = check.kind { versions = [parameters.version, parameters.baseline] } else { versions = [nil] }
                let fieldName = isComparison(check) ? "compare" : "expr"
                for version in versions {
                    let text = parameters.substitute(in: check.expr, v: version, window: spec.window.description)
                    let context = "guard \"\(spec.name)\", check \"\(check.name)\""
                    do {
                        let expr = try parseExpr(text, options: options)
                        if expr.type != .vector && expr.type != .scalar {
                            problems.append(Self.error(spec, check, fieldName, "\(context): expression must give an instant vector or a scalar, not \(expr.type.rawValue)"))
                            break
                        }
                    } catch {
                        problems.append(Self.error(spec, check, fieldName, "\(context): could not parse expression: \(error.description)"))
                        break
                    }
                }
            }
        }
        return problems
    }

    private static func isComparison(_ check: GuardCheckSpec) -> Bool {
        if case .comparison = check.kind { return true }
        return false
    }

    private static func error(_ spec: GuardSpec, _ check: GuardCheckSpec, _ field: String, _ message: String) -> ConfigError {
        ConfigError(file: spec.file, line: check.exprLine ?? check.line, field: "\(check.field).\(field)", message: message)
    }
}
