// Tollgate — GoTemplate: the parser, rule for rule as Go's text/template/parse/parse.go.

/// Parses a template's text into trees: the main one under `name`, and one per `define`
/// and `block`. Errors carry Go's text (`template: NAME:LINE: message`).
struct TemplateParser {
    let name: String
    let items: [TemplateItem]
    let functions: Set<String>
    var index = 0
    var vars: [String] = ["$"]
    var rangeDepth = 0
    var actionLine = 0
    /// The most recently read item, for the error's line.
    var lastItem: TemplateItem
    private(set) var trees: [String: [TemplateNode]] = [:]

    /// Parses `text` as template `name`, checking calls against `functions`.
    static func parse(name: String, text: String, functions: Set<String>) throws(TemplateError) -> [String: [TemplateNode]] {
        var parser = TemplateParser(name: name, items: TemplateLexer.lex(text), functions: functions)
        try parser.parseAll()
        return parser.trees
    }

    private init(name: String, items: [TemplateItem], functions: Set<String>) {
        self.name = name
        self.items = items
        self.functions = functions
        lastItem = items.first ?? TemplateItem(kind: .eof, pos: 0, value: "", line: 1)
    }

    // MARK: tokens

    mutating func next() -> TemplateItem {
        let item = index < items.count ? items[index] : (items.last ?? lastItem)
        if index < items.count { index += 1 }
        lastItem = item
        return item
    }
    mutating func backup(_ count: Int = 1) { index -= count }
    func peek() -> TemplateItem { index < items.count ? items[index] : (items.last ?? lastItem) }
    mutating func nextNonSpace() -> TemplateItem {
        var item = next()
        while item.kind == .space { item = next() }
        return item
    }
    mutating func peekNonSpace() -> TemplateItem {
        let item = nextNonSpace()
        backup()
        return item
    }

    // MARK: errors

    func error(_ message: String) -> TemplateError {
        TemplateError(.parse, "template: \(name):\(lastItem.line): \(message)")
    }
    func unexpected(_ item: TemplateItem, _ context: String) -> TemplateError {
        if item.kind == .error {
            var extra = ""
            if actionLine != 0, actionLine != item.line {
                extra = " in action started at \(name):\(actionLine)"
                if item.value.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
            }
            return error(item.value + extra)
        }
        return error("unexpected \(item.description) in \(context)")
    }
    mutating func expect(_ kind: TemplateItem.Kind, _ context: String) throws(TemplateError) -> TemplateItem {
        let item = nextNonSpace()
        if item.kind != kind { throw unexpected(item, context) }
        return item
    }

    // MARK: structure

    mutating func parseAll() throws(TemplateError) {
        var root: [TemplateNode] = []
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let mark = index
                _ = next()
                if nextNonSpace().kind == .define {
                    try parseDefinition()
                    continue
                }
                index = mark
            }
            switch try textOrAction() {
            case .node(let node): root.append(node)
            case .end: throw error("unexpected {{end}}")
            case .else: throw error("unexpected {{else}}")
            case .none: break
            }
        }
        try add(name, root)
    }

    mutating func add(_ treeName: String, _ root: [TemplateNode]) throws(TemplateError) {
        guard let existing = trees[treeName], !Self.isEmpty(existing) else {
            trees[treeName] = root
            return
        }
        if !Self.isEmpty(root) { throw error("template: multiple definition of template \(GoFormat.quote(treeName))") }
    }

    /// Go's `IsEmptyTree`: only whitespace text.
    static func isEmpty(_ nodes: [TemplateNode]) -> Bool {
        nodes.allSatisfy { node in
            if case .text(let text) = node { return text.allSatisfy(\.isWhitespace) }
            return false
        }
    }

    mutating func parseDefinition() throws(TemplateError) {
        let context = "define clause"
        let nameItem = nextNonSpace()
        guard nameItem.kind == .string || nameItem.kind == .rawString else { throw unexpected(nameItem, context) }
        let treeName = try unquote(nameItem.value)
        _ = try expect(.rightDelim, context)
        let saved = (vars, rangeDepth)
        vars = ["$"]
        rangeDepth = 0
        let (list, end) = try itemList()
        guard case .end = end else { throw error("unexpected \(end.text) in \(context)") }
        try add(treeName, list)
        (vars, rangeDepth) = saved
    }

    /// What `textOrAction` produced: a node, an `{{end}}`, an `{{else}}`, or nothing (a comment).
    enum Piece {
        case node(TemplateNode)
        case end
        case `else`(pos: Int)
        case none

        var text: String {
            switch self {
            case .end: "{{end}}"
            case .else: "{{else}}"
            default: "node"
            }
        }
    }

    mutating func itemList() throws(TemplateError) -> ([TemplateNode], Piece) {
        var list: [TemplateNode] = []
        while peekNonSpace().kind != .eof {
            let piece = try textOrAction()
            switch piece {
            case .end, .else: return (list, piece)
            case .node(let node): list.append(node)
            case .none: break
            }
        }
        throw error("unexpected EOF")
    }

    mutating func textOrAction() throws(TemplateError) -> Piece {
        let item = nextNonSpace()
        switch item.kind {
        case .text: return .node(.text(item.value))
        case .leftDelim:
            actionLine = item.line
            defer { actionLine = 0 }
            return try action()
        case .comment: return .none
        default: throw unexpected(item, "input")
        }
    }

    mutating func action() throws(TemplateError) -> Piece {
        let item = nextNonSpace()
        switch item.kind {
        case .block: return .node(try blockControl())
        case .breakKeyword: return .node(try loopControl(.breakNode(pos: item.pos), "break"))
        case .continueKeyword: return .node(try loopControl(.continueNode(pos: item.pos), "continue"))
        case .elseKeyword:
            let peeked = peekNonSpace()
            if peeked.kind == .ifKeyword || peeked.kind == .with { return .else(pos: peeked.pos) }
            let closing = try expect(.rightDelim, "else")
            return .else(pos: closing.pos)
        case .end:
            _ = try expect(.rightDelim, "end")
            return .end
        case .ifKeyword: return .node(.ifNode(try parseControl("if")))
        case .range: return .node(.rangeNode(try parseControl("range")))
        case .template: return .node(try templateControl())
        case .with: return .node(.withNode(try parseControl("with")))
        default:
            backup()
            return .node(.action(try pipeline("command", end: .rightDelim)))
        }
    }

    mutating func loopControl(_ node: TemplateNode, _ keyword: String) throws(TemplateError) -> TemplateNode {
        let item = nextNonSpace()
        if item.kind != .rightDelim { throw unexpected(item, "{{\(keyword)}}") }
        if rangeDepth == 0 { throw error("{{\(keyword)}} outside {{range}}") }
        return node
    }

    mutating func parseControl(_ context: String) throws(TemplateError) -> TemplateBranch {
        let savedVars = vars.count
        defer { vars.removeLast(vars.count - savedVars) }
        let pipe = try pipeline(context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, next) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: [TemplateNode]?
        if case .else = next {
            if context == "if", peek().kind == .ifKeyword {
                _ = self.next()
                elseList = [.ifNode(try parseControl("if"))]
            } else if context == "with", peek().kind == .with {
                _ = self.next()
                elseList = [.withNode(try parseControl("with"))]
            } else {
                let (list, end) = try itemList()
                guard case .end = end else { throw error("expected end; found \(end.text)") }
                elseList = list
            }
        }
        return TemplateBranch(pos: pipe.pos, pipe: pipe, list: list, elseList: elseList)
    }

    mutating func templateControl() throws(TemplateError) -> TemplateNode {
        let context = "template clause"
        let item = nextNonSpace()
        guard item.kind == .string || item.kind == .rawString else { throw unexpected(item, context) }
        let templateName = try unquote(item.value)
        var pipe: TemplatePipe?
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline(context, end: .rightDelim)
        }
        return .template(pos: item.pos, name: templateName, pipe: pipe)
    }

    mutating func blockControl() throws(TemplateError) -> TemplateNode {
        let context = "block clause"
        let item = nextNonSpace()
        guard item.kind == .string || item.kind == .rawString else { throw unexpected(item, context) }
        let blockName = try unquote(item.value)
        let pipe = try pipeline(context, end: .rightDelim)
        let saved = (vars, rangeDepth)
        vars = ["$"]
        rangeDepth = 0
        let (list, end) = try itemList()
        guard case .end = end else { throw error("unexpected \(end.text) in \(context)") }
        try add(blockName, list)
        (vars, rangeDepth) = saved
        return .template(pos: item.pos, name: blockName, pipe: pipe)
    }

    func unquote(_ text: String) throws(TemplateError) -> String {
        do {
            return try GoLiteral.unquote(text)
        } catch {
            throw self.error("invalid syntax")
        }
    }
}
