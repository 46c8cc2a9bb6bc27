// Tollgate — GoTemplate: evaluating pipelines, commands, fields and calls (Go's exec.go `eval*`).

extension TemplateExecutor {
    mutating func evalPipeline(_ dot: TemplateValue, _ pipe: TemplatePipe) throws -> TemplateValue {
        mark(pipe.pos, pipe.description)
        var value: TemplateValue?
        for command in pipe.commands { value = try evalCommand(dot, command, final: value) }
        let result = value ?? .nil
        for variable in pipe.decl {
            if pipe.isAssign {
                try setVariable(variable.name, result)
            } else {
                vars.append((variable.name, result))
            }
        }
        return result
    }

    private mutating func evalCommand(_ dot: TemplateValue, _ command: TemplateCommand, final: TemplateValue?) throws -> TemplateValue {
        guard let first = command.args.first else { throw error("empty command") }
        switch first {
        case .field(_, let names):
            mark(first.pos, first.description)
            return try evalFieldChain(dot, receiver: dot, names, args: command.args, final: final)
        case .chain(_, let base, let fields):
            return try evalChain(dot, first, base, fields, args: command.args, final: final)
        case .identifier(_, let function):
            return try evalFunction(dot, function, at: first, command: command, args: command.args, final: final)
        case .pipe(let pipe):
            try notAFunction(command.args, final)
            return try evalPipeline(dot, pipe)
        case .variable(_, let variableName, let fields):
            mark(first.pos, first.description)
            let value = try variable(variableName)
            if fields.isEmpty {
                try notAFunction(command.args, final)
                return value
            }
            return try evalFieldChain(dot, receiver: value, fields, args: command.args, final: final)
        default:
            mark(first.pos, first.description)
            try notAFunction(command.args, final)
            return try constant(first, dot: dot)
        }
    }

    private func constant(_ arg: TemplateArg, dot: TemplateValue) throws -> TemplateValue {
        switch arg {
        case .bool(_, let b): return .bool(b)
        case .dot: return dot
        case .nilValue: throw error("nil is not a command")
        case .number(_, let number):
            do { return try number.value() } catch { throw self.error(error.description) }
        case .string(_, _, let value): return .string(value)
        default: throw error("can't evaluate command \(GoFormat.quote(arg.description))")
        }
    }

    private func notAFunction(_ args: [TemplateArg], _ final: TemplateValue?) throws(TemplateError) {
        if args.count > 1 || final != nil { throw error("can't give argument to non-function \(args[0])") }
    }

    private mutating func evalChain(
        _ dot: TemplateValue, _ chain: TemplateArg, _ base: TemplateArg, _ fields: [String], args: [TemplateArg], final: TemplateValue?
    ) throws -> TemplateValue {
        mark(chain.pos, chain.description)
        if case .nilValue = base { throw error("indirection through explicit nil in \(chain)") }
        let receiver = try evalArg(dot, base)
        return try evalFieldChain(dot, receiver: receiver, fields, args: args, final: final)
    }

    private mutating func evalFieldChain(
        _ dot: TemplateValue, receiver: TemplateValue, _ names: [String], args: [TemplateArg], final: TemplateValue?
    ) throws -> TemplateValue {
        var receiver = receiver
        for name in names.dropLast() { receiver = try evalField(dot, name, args: [], final: nil, receiver: receiver) }
        guard let last = names.last else { return receiver }
        return try evalField(dot, last, args: args, final: final, receiver: receiver)
    }

    private mutating func evalField(
        _ dot: TemplateValue, _ fieldName: String, args: [TemplateArg], final: TemplateValue?, receiver: TemplateValue
    ) throws -> TemplateValue {
        let hasArgs = args.count > 1 || final != nil
        if let resolver = template.methods, let method = resolver(receiver, fieldName) {
            // Go looks up a method before a field or map key.
            var values: [TemplateValue] = []
            for arg in args.dropFirst() { values.append(try evalArg(dot, arg)) }
            if let final { values.append(final) }
            do {
                return try method(values)
            } catch let arity as TemplateArityError {
                throw error("wrong number of args for \(fieldName): want \(arity.want) got \(arity.got)")
            } catch {
                throw self.error("error calling \(fieldName): \(error)")
            }
        }
        switch receiver {
        case .nil:
            if template.missingKey == .error { throw error("nil data; no entry for key \(GoFormat.quote(fieldName))") }
            return .nil
        case .time, .duration:
            var values: [TemplateValue] = []
            for arg in args.dropFirst() { values.append(try evalArg(dot, arg)) }
            if let final { values.append(final) }
            do {
                if let result = try GoTime.method(fieldName, on: receiver, values) { return result }
            } catch {
                throw self.error(error.description)
            }
        case .record(let record):
            if let value = record[fieldName] {
                if hasArgs { throw error("\(fieldName) has arguments but cannot be invoked as function") }
                return value
            }
        case .map(let entries, let zero):
            if hasArgs { throw error("\(fieldName) is not a method but has arguments") }
            if let value = entries[fieldName] { return value }
            switch template.missingKey {
            case .invalid: return .nil
            case .zero: return zero
            case .error: throw error("map has no entry for key \(GoFormat.quote(fieldName))")
            }
        default: break
        }
        throw error("can't evaluate field \(fieldName) in type \(receiver.goTypeName)")
    }

    /// An argument's value (Go's `evalArg` for an `interface{}` parameter).
    mutating func evalArg(_ dot: TemplateValue, _ arg: TemplateArg) throws -> TemplateValue {
        mark(arg.pos, arg.description)
        switch arg {
        case .dot: return dot
        case .nilValue: return .nil
        case .field(_, let names): return try evalFieldChain(dot, receiver: dot, names, args: [arg], final: nil)
        case .variable(_, let variableName, let fields):
            let value = try variable(variableName)
            return fields.isEmpty ? value : try evalFieldChain(dot, receiver: value, fields, args: [arg], final: nil)
        case .pipe(let pipe): return try evalPipeline(dot, pipe)
        case .identifier(_, let function):
            return try evalFunction(dot, function, at: arg, command: nil, args: [arg], final: nil)
        case .chain(_, let base, let fields): return try evalChain(dot, arg, base, fields, args: [arg], final: nil)
        case .bool, .number, .string: return try constant(arg, dot: dot)
        }
    }

    private mutating func evalFunction(
        _ dot: TemplateValue, _ function: String, at identifier: TemplateArg, command: TemplateCommand?, args: [TemplateArg], final: TemplateValue?
    ) throws -> TemplateValue {
        mark(identifier.pos, identifier.description)
        let callAt = command.map { ($0.pos, $0.description) } ?? (identifier.pos, identifier.description)
        let operands = Array(args.dropFirst())
        if template.functions[function] == nil, function == "and" || function == "or" {
            if operands.isEmpty, final == nil { throw error("wrong number of args for \(function): want at least 1 got 0") }
            // Go 1.18+: evaluate operands in order and stop at the first that decides.
            var value: TemplateValue = .nil
            for operand in operands {
                value = try evalArg(dot, operand)
                if value.isTrue == (function == "or") { return value }
            }
            if let final { value = final }
            return value
        }
        guard let body = template.functions[function] ?? TemplateBuiltins.functions[function] else {
            throw error("\(GoFormat.quote(function)) is not a defined function")
        }
        var values: [TemplateValue] = []
        for operand in operands { values.append(try evalArg(dot, operand)) }
        if let final { values.append(final) }
        do {
            return try body(values)
        } catch let panic as TemplatePanic {
            throw TemplateError(.panic, panic.description)
        } catch let arity as TemplateArityError {
            mark(identifier.pos, identifier.description)
            throw error("wrong number of args for \(function): want \(arity.variadic ? "at least " : "")\(arity.want) got \(arity.got)")
        } catch {
            mark(callAt.0, callAt.1)
            throw self.error("error calling \(function): \(error)")
        }
    }
}
