// Tollgate — helpers that render parse results as check-metrics lines.

import Model

@testable import Exposition

/// What a body parses to: its sample lines, or the error.
enum Outcome: Equatable, CustomStringConvertible {
    case samples([String])
    case rejected(String)

    var description: String {
        switch self {
        case .samples(let lines): "samples \(lines)"
        case .rejected(let message): "rejected: \(message)"
        }
    }

    var isAccepted: Bool {
        if case .samples = self { return true }
        return false
    }
}

/// Renders a sample as `tollgate check metrics` prints it.
func render(_ sample: ParsedSample) -> String {
    var line = SeriesText.format(sample.labels) + " " + SeriesText.formatValue(sample.value)
    if let timestamp = sample.timestamp { line += " \(timestamp)" }
    return line
}

func outcome(_ bytes: [UInt8], _ format: ExpositionFormat) -> Outcome {
    do {
        return .samples(try ExpositionParser.samples(in: bytes, format: format).map(render))
    } catch {
        return .rejected(error.description)
    }
}

func outcome(_ text: String, _ format: ExpositionFormat = .text) -> Outcome {
    outcome(Array(text.utf8), format)
}
