// Tollgate — Model: one label, compared and hashed bytewise.

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
        lhs.name.utf8.elementsEqual(rhs.name.utf8) && lhs.value.utf8.elementsEqual(rhs.value.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combineUTF8(name)
        hasher.combineUTF8(value)
    }

    /// Orders by name, then by value, both bytewise.
    public static func < (lhs: Label, rhs: Label) -> Bool {
        if !lhs.name.utf8.elementsEqual(rhs.name.utf8) {
            return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
        }
        return lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
    }

    public var description: String { "\(name)=\(value)" }
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
