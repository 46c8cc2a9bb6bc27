// Tollgate — PromQL: Go-compatible formatting of strings and floats.

import Model

/// Quotes a string the way Go's `%q` / `strconv.Quote` does.
package func goQuote(_ text: String) -> String { GoString.quote(text) }

/// Formats a float like Go's `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits,
/// never an exponent; `+Inf`, `-Inf`, `NaN`.
func goFormatFloat(_ value: Double) -> String { GoFloat.formatF(value) }
