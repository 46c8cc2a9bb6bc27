// Tollgate — GoTemplate: the executor, walking trees as Go's text/template/exec.go does.

/// `break` and `continue` unwinding to the nearest `range`.
enum LoopSignal: Error {
    case breakLoop, continueLoop
}

/// What a missing map key reads as: Go's `missingkey` option.
public enum MissingKeyOption: Sendable {
    /// `missingkey=default` / `invalid`: nil, printed `<no value>` (Go's default; Alertmanager's).
    case invalid
    /// `missingkey=zero`: the map element type's zero value, `""` for a string map (Prometheus's).
    case zero
    /// `missingkey=error`: execution stops with `map has no entry for key "K"`.
    case error
}

/// One execution of a parsed template: output, variables and the node being evaluated.
struct TemplateExecutor {
    let template: GoTemplate
    var output = ""
    /// The variable stack; `$` is the bottom entry.
    var vars: [(name: String, value: TemplateValue)]
    /// The template being executed (changes inside `{{template}}`).
    var name: String
    /// The node being evaluated, for error locations: its byte offset and its text.
    var at: (pos: Int, text: String)?
    var depth = 0
    static let maximumDepth = 1000

    init(template: GoTemplate, data: TemplateValue) {
        self.template = template
        vars = [("$", data)]
        name = template.name
    }

    // MARK: errors

    mutating func mark(_ pos: Int, _ text: String) { at = (pos, text) }

    /// Go's `state.errorf`: `template: NAME:LINE:COL: executing "NAME" at <NODE>: message`.
    func error(_ message: String) -> TemplateError {
        guard let at else { return TemplateError(.execute, "template: \(name): \(message)") }
        let bytes = template.text.utf8
        let prefix = bytes.prefix(at.pos)
        let line = 1 + prefix.lazy.filter { $0 == 0x0A }.count
        var column = at.pos
        if let lastNewline = prefix.lastIndex(of: 0x0A) { column = at.pos - (bytes.distance(from: bytes.startIndex, to: lastNewline) + 1) }
        let context = at.text
        return TemplateError(.execute, "template: \(template.name):\(line):\(column): executing \(GoFormat.quote(name)) at <\(context)>: \(message)")
    }

    // MARK: variables

    func variable(_ variableName: String) throws(TemplateError) -> TemplateValue {
        guard let found = vars.last(where: { $0.name == variableName }) else { throw error("undefined variable: \(variableName)") }
        return found.value
    }

    mutating func setVariable(_ variableName: String, _ value: TemplateValue) throws(TemplateError) {
        guard let index = vars.lastIndex(where: { $0.name == variableName }) else { throw error("undefined variable: \(variableName)") }
        vars[index].value = value
    }

    // MARK: walking

    mutating func walk(_ dot: TemplateValue, _ nodes: [TemplateNode]) throws {
        for node in nodes { try walk(dot, node) }
    }

    mutating func walk(_ dot: TemplateValue, _ node: TemplateNode) throws {
        switch node {
        case .text(let text): output += text
        case .action(let pipe):
            mark(pipe.pos, pipe.description)
            let value = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty {
                mark(pipe.pos, "{{\(pipe)}}")
                if case .function = value { throw error("can't print \(pipe) of type \(value.goTypeName)") }
                if let writer = template.actionWriter {
                    var lastFunction: String?
                    if case .identifier(_, let function) = pipe.commands.last?.args.first { lastFunction = function }
                    writer(&output, value, lastFunction)
                } else {
                    output += value.actionText
                }
            }
        case .ifNode(let branch): try walkIfOrWith(dot, branch, isWith: false)
        case .withNode(let branch): try walkIfOrWith(dot, branch, isWith: true)
        case .rangeNode(let branch): try walkRange(dot, branch)
        case .template(let pos, let templateName, let pipe): try walkTemplate(dot, pos: pos, templateName, pipe)
        case .breakNode: throw LoopSignal.breakLoop
        case .continueNode: throw LoopSignal.continueLoop
        }
    }

    private mutating func walkIfOrWith(_ dot: TemplateValue, _ branch: TemplateBranch, isWith: Bool) throws {
        let saved = vars.count
        defer { vars.removeLast(vars.count - saved) }
        let value = try evalPipeline(dot, branch.pipe)
        if value.isTrue {
            try walk(isWith ? value : dot, branch.list)
        } else if let elseList = branch.elseList {
            try walk(dot, elseList)
        }
    }

    private mutating func walkRange(_ dot: TemplateValue, _ branch: TemplateBranch) throws {
        mark(branch.pos, "{{range \(branch.pipe)}}")
        let saved = vars.count
        defer { vars.removeLast(vars.count - saved) }
        let value = try evalPipeline(dot, branch.pipe)
        let inner = vars.count
        let decl = branch.pipe.decl
        // Runs the body once; false when it ran `{{break}}`.
        func iteration(_ executor: inout TemplateExecutor, _ index: TemplateValue, _ element: TemplateValue) throws -> Bool {
            if !decl.isEmpty {
                if branch.pipe.isAssign {
                    try executor.setVariable(decl[0].name, decl.count > 1 ? index : element)
                } else {
                    executor.vars[executor.vars.count - 1].value = element
                }
            }
            if decl.count > 1 {
                if branch.pipe.isAssign {
                    try executor.setVariable(decl[1].name, element)
                } else {
                    executor.vars[executor.vars.count - 2].value = index
                }
            }
            defer { executor.vars.removeLast(executor.vars.count - inner) }
            do {
                try executor.walk(element, branch.list)
            } catch LoopSignal.continueLoop {
                return true
            } catch LoopSignal.breakLoop {
                return false
            }
            return true
        }
        switch value {
        case .list(let items) where !items.isEmpty:
            for (i, item) in items.enumerated() {
                if try !iteration(&self, .int(i), item) { break }
            }
            return
        case .map(let entries, _) where !entries.isEmpty:
            for key in entries.keys.sorted() {
                if try !iteration(&self, .string(key), entries[key] ?? .nil) { break }
            }
            return
        case .int(let count) where count > 0:
            if decl.count > 1 { throw error("can't use \(count) to iterate over more than one variable") }
            for i in 0..<count {
                if try !iteration(&self, .int(i), .int(i)) { break }
            }
            return
        case .list, .map, .nil, .int: break
        default:
            throw error("range can't iterate over \(value.goString)")
        }
        if let elseList = branch.elseList { try walk(dot, elseList) }
    }

    private mutating func walkTemplate(_ dot: TemplateValue, pos: Int, _ templateName: String, _ pipe: TemplatePipe?) throws {
        mark(pos, "{{template \(GoFormat.quote(templateName))" + (pipe.map { " \($0)" } ?? "") + "}}")
        guard let tree = template.trees[templateName] else { throw error("template \(GoFormat.quote(templateName)) not defined") }
        if depth >= Self.maximumDepth { throw error("exceeded maximum template depth (\(Self.maximumDepth))") }
        let newDot = try pipe.map { pipe throws in try evalPipeline(dot, pipe) } ?? .nil
        let saved = (vars, name)
        vars = [("$", newDot)]
        name = templateName
        depth += 1
        defer {
            (vars, name) = saved
            depth -= 1
        }
        try walk(newDot, tree)
    }
}
