// Tollgate — TSDB tests: head-log records the fuzz target found (`make fuzz`,
// docs/reliability.md), fed exactly as found; each trapped the decoder before its fix.

import Foundation
@testable import TSDB
import Testing

@Suite struct LogRecordFuzzTests {
    /// A record with a good checksum whose second series gives a label length near
    /// Int64.max: `position + length` overflowed. It is malformed, as a short length is.
    @Test func hugeLabelLengthIsMalformed() {
        let record: [UInt8] = [
            0x66, 0xD6, 0xB5, 0xE2, 0x01, 0x10, 0x00, 0x00, 0xFD, 0x00, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0x2F, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4A, 0xCF, 0x00, 0x00, 0x00,
        ]
        #expect(LogRecord(Data(record)) == nil)
    }
}
