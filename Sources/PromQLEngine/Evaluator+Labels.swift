// Tollgate — PromQL engine: label_replace and label_join, which work on whole series.

import Model
import PromQL
import Relabel

extension Evaluator {
    func labelReplace(_ call: Call, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let destination = call.args[1].stringValue, replacement = call.args[2].stringValue
        let source = call.args[3].stringValue, pattern = call.args[4].stringValue
        let regex: RelabelRegex
        do {
            regex = try RelabelRegex(pattern)
        } catch {
            throw QueryError(.execution, "invalid regular expression in label_replace(): \(pattern)")
        }
        guard call.args[1].isValidLabelName else {
            throw QueryError(.execution, "invalid destination label name in label_replace(): \(destination)")
        }
        var list = try eval(call.args[0], window).seriesList
        for i in list.indices {
            guard let match = regex.match(list[i].labels.value(source)) else { continue }
            list[i].labels = list[i].labels.setting(destination, match.expand(replacement))
            if destination == metricNameLabel { list[i].dropName = false }
        }
        return try mergeSameLabelsets(list)
    }

    func labelJoin(_ call: Call, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let destination = call.args[1].stringValue, separator = call.args[2].stringValue
        let sources = call.args.dropFirst(3).map(\.stringValue)
        for (source, argument) in zip(sources, call.args.dropFirst(3)) where !argument.isValidLabelName {
            throw QueryError(.execution, "invalid source label name in label_join(): \(source)")
        }
        guard call.args[1].isValidLabelName else {
            throw QueryError(.execution, "invalid destination label name in label_join(): \(destination)")
        }
        var list = try eval(call.args[0], window).seriesList
        for i in list.indices {
            let joined = sources.map { list[i].labels.value($0) }.joined(separator: separator)
            list[i].labels = list[i].labels.setting(destination, joined)
            if destination == metricNameLabel { list[i].dropName = false }
        }
        return try mergeSameLabelsets(list)
    }
}
