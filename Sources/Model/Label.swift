// Tollgate — Model: one label, compared and hashed bytewise.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One name/value pair of a series' label set.
///
/// Names and values compare and hash by their UTF-8 bytes, as Prometheus does;
/// Swift's `String` equality (canonical equivalence) would merge series that
/// Prometheus keeps apart.
public struct Label: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The label name, e.g. `__name__` or `job`.
    public var name: String
    /// The label value; an empty value means "label absent" in Prometheus.
    public var value: String

    /// Creates a label.
    /// - Parameters:
    ///   - name: the label name.
    ///   - value: the label value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func == (lhs: Label, rhs: Label) -> Bool {
        bytesEqual(lhs.name, rhs.name) && bytesEqual(lhs.value, rhs.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combineUTF8(name)
        hasher.combineUTF8(value)
    }

    /// Orders by name, then by value, both bytewise.
    public static func < (lhs: Label, rhs: Label) -> Bool {
        let byName = bytesCompare(lhs.name, rhs.name)
        return byName != 0 ? byName < 0 : bytesCompare(lhs.value, rhs.value) < 0
    }

    public var description: String { "\(name)=\(value)" }
}

/// Whether two strings have the same UTF-8 bytes (not Swift's canonical equivalence).
package func bytesEqual(_ a: String, _ b: String) -> Bool {
    a.utf8.count == b.utf8.count && bytesCompare(a, b) == 0
}

/// The bytewise order of two strings' UTF-8: negative when `a` comes first, zero when
/// the bytes are equal, positive when `b` comes first (a prefix comes first).
///
/// The generic `utf8.lexicographicallyPrecedes` walks both strings a byte at a time
/// through their indices; sorting the labels of every new series spent a tenth of a
/// scrape's first round there.
func bytesCompare(_ a: String, _ b: String) -> Int {
    var a = a, b = b
    return a.withUTF8 { pa in
        b.withUTF8 { pb in
            let common = min(pa.count, pb.count)
            if common > 0, let x = pa.baseAddress, let y = pb.baseAddress {
                let order = memcmp(x, y, common)
                if order != 0 { return Int(order) }
            }
            return pa.count - pb.count
        }
    }
}

/// A string as a dictionary key that compares and hashes by its UTF-8 bytes.
///
/// `String` keys merge canonically equivalent strings: "é" (U+00E9) and "e" with a
/// combining accent (U+0065 U+0301) are one key, where Prometheus keeps two label values.
package struct ByteString: Hashable, Sendable {
    /// The string.
    package var string: String

    /// Wraps `string`.
    package init(_ string: String) { self.string = string }

    package static func == (lhs: ByteString, rhs: ByteString) -> Bool { bytesEqual(lhs.string, rhs.string) }

    package func hash(into hasher: inout Hasher) { hasher.combineUTF8(string) }
}

extension Hasher {
    /// Feeds a string's UTF-8 bytes and a terminator, so ("ab","c") and ("a","bc") differ.
    @inlinable
    mutating func combineUTF8(_ string: String) {
        var string = string
        string.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
        combine(UInt8(0xFF))
    }
}
