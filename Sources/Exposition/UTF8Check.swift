// Tollgate — Exposition: UTF-8 validity as Go's utf8.Valid decides it.

/// Checks bytes for well-formed UTF-8: no overlong forms, no surrogates, nothing
/// above U+10FFFF, no truncated sequences.
package enum UTF8Check {
    /// Whether `bytes[start..<end]` is valid UTF-8.
    /// - Complexity: O(n); ASCII runs take one comparison per byte.
    @inlinable
    package static func isValid(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start
        while i < end {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; high = 0x9F
            case 0xF0: need = 3; low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; high = 0x8F
            default: return false
            }
            guard i + need < end else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= low && b1 <= high else { return false }
            for k in stride(from: 2, through: need, by: 1) where bytes[i + k] & 0xC0 != 0x80 {
                return false
            }
            i += need + 1
        }
        return true
    }
}
