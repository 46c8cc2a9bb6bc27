// Tollgate — the store's tests: reading and damaging the head log's files as a bad disk would.

import Foundation
import Testing

@testable import TSDB

extension HeadLog {
    /// The numbers of the records in the head log of the store in `dataDir`, oldest first.
    static func recordNumbers(_ dataDir: String) throws -> [Int64] {
        try read(dataDir + "/head-log").flatMap { $0.frames.map(\.seq) }
    }

    /// Inverts three bytes in the middle of record `seq` (its header stays sound), and
    /// returns the record's size and its file.
    @discardableResult
    static func damageRecord(_ seq: Int64, in dataDir: String) throws -> (bytes: Int, file: String, offset: Int) {
        let directory = dataDir + "/head-log"
        let found = try read(directory).lazy.flatMap { file in file.frames.map { (file.first, $0) } }.first { $0.1.seq == seq }
        let (first, frame) = try #require(found, "no record \(seq) in \(directory)")
        let file = path(directory, first)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        let at = UInt64(frame.offset + headerSize + min(6, frame.record.count - 3))
        try handle.seek(toOffset: at)
        let bytes = try handle.read(upToCount: 3) ?? Data()
        try handle.seek(toOffset: at)
        try handle.write(contentsOf: Data(bytes.map { ~$0 }))
        return (frame.record.count, file, frame.offset)
    }

    /// Cuts the newest log file `bytes` short of its end, as a crash in the middle of an append would.
    static func tear(_ dataDir: String, bytes: Int) throws {
        let directory = dataDir + "/head-log"
        let newest = try #require(list(directory).last)
        let file = path(directory, newest)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
        try handle.truncate(atOffset: UInt64(max(0, size - bytes)))
        try handle.close()
    }
}
