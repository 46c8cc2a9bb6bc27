// Tollgate — GoTemplate: pipelines, commands and operands (Go's parse.go `pipeline`, `command`, `operand`, `term`).

extension TemplateParser {
    mutating func pipeline(_ context: String, end: TemplateItem.Kind) throws(TemplateError) -> TemplatePipe {
        var pipe = TemplatePipe(pos: peekNonSpace().pos)
        decls: while peekNonSpace().kind == .variable {
            let mark = index
            let variable = nextNonSpace()
            let following = peekNonSpace()
            if following.kind == .assign || following.kind == .declare {
                pipe.isAssign = following.kind == .assign
                _ = nextNonSpace()
                pipe.decl.append((variable.pos, variable.value))
                vars.append(variable.value)
            } else if following.kind == .char, following.value == "," {
                _ = nextNonSpace()
                pipe.decl.append((variable.pos, variable.value))
                vars.append(variable.value)
                if context == "range", pipe.decl.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen: continue decls
                    default: throw error("range can only initialize variables")
                    }
                }
                throw error("too many declarations in \(context)")
            } else {
                index = mark
            }
            break
        }
        while true {
            let item = nextNonSpace()
            switch item.kind {
            case end:
                try checkPipeline(pipe, context)
                return pipe
            case .bool, .charConstant, .dot, .field, .identifier, .number, .nilKeyword, .rawString, .string, .variable, .leftParen:
                backup()
                pipe.commands.append(try command())
            default:
                throw unexpected(item, context)
            }
        }
    }

    private func checkPipeline(_ pipe: TemplatePipe, _ context: String) throws(TemplateError) {
        if pipe.commands.isEmpty { throw error("missing value for \(context)") }
        for (i, command) in pipe.commands.enumerated().dropFirst() {
            switch command.args.first {
            case .bool, .dot, .nilValue, .number, .string:
                throw error("non executable command in pipeline stage \(i + 1)")
            default: break
            }
        }
    }

    private mutating func command() throws(TemplateError) -> TemplateCommand {
        var command = TemplateCommand(pos: peekNonSpace().pos)
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { command.args.append(operand) }
            let item = next()
            switch item.kind {
            case .space: continue
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(item, "operand")
            }
            break
        }
        if command.args.isEmpty { throw error("empty command") }
        return command
    }

    private mutating func operand() throws(TemplateError) -> TemplateArg? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        let chainPos = peek().pos
        var fields: [String] = []
        while peek().kind == .field { fields.append(String(next().value.dropFirst())) }
        switch node {
        // Go gives the joined node the position of the first added field.
        case .field(_, let names): return .field(pos: chainPos, names: names + fields)
        case .variable(_, let name, let existing): return .variable(pos: chainPos, name: name, fields: existing + fields)
        case .bool, .string, .number, .nilValue, .dot:
            throw error("unexpected . after term \(GoFormat.quote(node.description))")
        default: return .chain(pos: chainPos, base: node, fields: fields)
        }
    }

    private mutating func term() throws(TemplateError) -> TemplateArg? {
        let item = nextNonSpace()
        switch item.kind {
        case .identifier:
            guard functions.contains(item.value) else { throw error("function \(GoFormat.quote(item.value)) not defined") }
            return .identifier(pos: item.pos, name: item.value)
        case .dot: return .dot(pos: item.pos)
        case .nilKeyword: return .nilValue(pos: item.pos)
        case .variable:
            let parts = item.value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let variableName = parts.first ?? item.value
            guard vars.contains(variableName) else { throw error("undefined variable \(GoFormat.quote(variableName))") }
            return .variable(pos: item.pos, name: variableName, fields: Array(parts.dropFirst()))
        case .field: return .field(pos: item.pos, names: [String(item.value.dropFirst())])
        case .bool: return .bool(pos: item.pos, item.value == "true")
        case .charConstant, .number:
            guard let number = TemplateNumber.parse(item.value, isChar: item.kind == .charConstant) else {
                if item.kind == .number, !item.value.contains(where: { ".eEpPxX".contains($0) }), item.value.allSatisfy({ $0.isNumber || "+-_".contains($0) }) {
                    throw error("integer overflow: \(GoFormat.quote(item.value))")
                }
                throw error(item.kind == .charConstant ? "malformed character constant: \(item.value)" : "illegal number syntax: \(GoFormat.quote(item.value))")
            }
            return .number(pos: item.pos, number)
        case .leftParen:
            return .pipe(try pipeline("parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            return .string(pos: item.pos, quoted: item.value, value: try unquote(item.value))
        default:
            backup()
            return nil
        }
    }
}
