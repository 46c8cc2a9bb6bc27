// Tollgate — Model: a pattern compiled by RE2 (Debian's libre2, through CRE2).

import CRE2

/// A pattern compiled by RE2 with Go's options: UTF-8, `.` matching a newline, matched
/// against the whole value. Matching takes time linear in the value's length.
///
/// The class owns the C handle and frees it in `deinit`.
final class RE2Program: @unchecked Sendable {
    // @unchecked: the handle is never mutated after compiling, and RE2 documents a compiled
    // RE2 object as safe to match from many threads at once (its caches lock themselves).
    private let handle: OpaquePointer
    /// The number of groups, group 0 (the whole value) included.
    let groupCount: Int
    /// The named groups in index order (a name may repeat, as Go allows).
    let groupNames: [(index: Int, name: String)]

    /// Compiles `pattern` in RE2's syntax.
    /// - Throws: RE2's error code and the fragment it blames.
    init(_ pattern: String) throws(RE2CompileError) {
        var code: CInt = 0
        var argumentLength = 0
        let capacity = pattern.utf8.count + 64
        var argument = [CChar](repeating: 0, count: capacity)
        let compiled = withUTF8Bytes(pattern) { bytes in
            tg_re2_compile(bytes.cString, bytes.count, &code, &argument, capacity, &argumentLength)
        }
        guard let compiled else {
            let fragment = argument.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            throw RE2CompileError(code: Int(code), fragment: String(decoding: fragment, as: UTF8.self))
        }
        handle = compiled
        let count = Int(tg_re2_group_count(compiled))
        groupCount = count + 1
        var names: [(index: Int, name: String)] = []
        if count > 0 {
            for index in 1...count {
                if let name = tg_re2_group_name(compiled, CInt(index)) { names.append((index, String(cString: name))) }
            }
        }
        groupNames = names
    }

    deinit { tg_re2_free(handle) }

    /// Whether the whole of `value` matches.
    /// - Complexity: O(n) in the UTF-8 length of `value`.
    func matches(_ value: String) -> Bool {
        withUTF8Bytes(value) { bytes in tg_re2_full_match(handle, bytes.cString, bytes.count) == 1 }
    }

    /// The groups of a whole-value match (0 is the whole value; nil for a group that took
    /// no part), or nil when `value` does not match.
    /// - Complexity: O(n) in the UTF-8 length of `value`, times the number of groups at worst.
    func groups(_ value: String) -> [String?]? {
        var offsets = [Int](repeating: -1, count: 2 * groupCount)
        return withUTF8Bytes(value) { bytes -> [String?]? in
            let matched = offsets.withUnsafeMutableBufferPointer { out in
                tg_re2_full_match_groups(handle, bytes.cString, bytes.count, out.baseAddress, CInt(groupCount))
            }
            guard matched == 1 else { return nil }
            return (0..<groupCount).map { group -> String? in
                let start = offsets[2 * group], end = offsets[2 * group + 1]
                guard start >= 0, start <= end, end <= bytes.count else { return nil }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
    }
}

extension RE2Program {
    /// The leftmost-first match at byte `start` or later (unanchored), as byte ranges of
    /// its groups (0 is the whole match; nil for a group that took no part), or nil.
    /// - Complexity: O(n) in the UTF-8 length of `value`.
    func search(_ value: String, from start: Int) -> [Range<Int>?]? {
        var offsets = [Int](repeating: -1, count: 2 * groupCount)
        return withUTF8Bytes(value) { bytes -> [Range<Int>?]? in
            let found = offsets.withUnsafeMutableBufferPointer { out in
                tg_re2_search(handle, bytes.cString, bytes.count, start, out.baseAddress, CInt(groupCount))
            }
            guard found == 1 else { return nil }
            return (0..<groupCount).map { group -> Range<Int>? in
                let lower = offsets[2 * group], upper = offsets[2 * group + 1]
                guard lower >= 0, lower <= upper, upper <= bytes.count else { return nil }
                return lower..<upper
            }
        }
    }
}

/// RE2's refusal of a pattern: its `RE2::ErrorCode` and the fragment it names.
struct RE2CompileError: Error {
    let code: Int
    let fragment: String
}

/// Calls `body` with the UTF-8 bytes of `value`, without copying a native string.
private func withUTF8Bytes<R>(_ value: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = value.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = value
    return copy.withUTF8(body)
}

extension UnsafeBufferPointer<UInt8> {
    /// The bytes as the `const char *` C expects (nil for an empty buffer; the shim allows it).
    fileprivate var cString: UnsafePointer<CChar>? {
        baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
    }
}
