// Tollgate — gzip through zlib.

import Gzip
import Testing

struct GzipTests {
    @Test(arguments: [0, 1, 100, 70_000, 1_000_000])
    func roundTrips(_ size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<size).map { _ in UInt8.random(in: 0...15, using: &generator) + 65 }
        let packed = try Gzip.compress(data)
        #expect(Gzip.isGzip(packed))
        #expect(try Gzip.decompress(packed) == data)
    }

    @Test func concatenatedMembers() throws {
        let a = try Gzip.compress(Array("hello ".utf8)), b = try Gzip.compress(Array("world".utf8))
        #expect(try Gzip.decompress(a + b) == Array("hello world".utf8))
    }

    @Test func rejectsCorruptTruncatedAndOversized() throws {
        let packed = try Gzip.compress(Array(repeating: 7, count: 10_000))
        #expect(throws: GzipError.self) { try Gzip.decompress(Array(packed.prefix(packed.count / 2))) }
        var corrupt = packed
        corrupt[12] ^= 0xFF
        corrupt[13] ^= 0xFF
        #expect(throws: GzipError.self) { try Gzip.decompress(corrupt) }
        #expect(throws: GzipError.self) { try Gzip.decompress(packed, limit: 9_999) }
        #expect(try Gzip.decompress(packed, limit: 10_000).count == 10_000)
    }
}
