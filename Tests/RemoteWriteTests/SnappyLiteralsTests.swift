// Tollgate — RemoteWrite: the literal-only snappy block, compress's fallback, reads back through libsnappy.

import RemoteWrite
import Testing

struct SnappyLiteralsTests {
    /// Blocks of literals (empty, short, one run of exactly 64 KiB, several runs) decompress
    /// to their input through libsnappy, as a receiver would read them.
    @Test(arguments: [0, 1, 60, 61, 65_536, 65_537, 200_000])
    func literalBlocksDecompressToTheirInput(length: Int) throws {
        let input = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        #expect(try Snappy.decompress(Snappy.literals(input)) == input)
    }
}
