// Tollgate — TSDB: the head log's files checked, and their sound records copied, by `tsdb check`.

import Foundation

extension StoreSalvage {
    /// Checks every frame of the head log's files in `directory` (after the database's
    /// tables: a record's series must be readable) and, given `fresh`, writes the sound
    /// records there as a new log, each coded alone. A frame header that is torn or fails its
    /// check ends its file: what follows it in that file cannot be read, and neither can a
    /// value coded against one of a damaged record.
    mutating func copyLogFiles(_ directory: String, into fresh: String?) {
        progress("head-log")
        let files: [(first: Int64, frames: [HeadLog.Frame], tornAt: Int?)]
        do { files = try HeadLog.read(directory) } catch {
            return note("head_log", "\(error)")
        }
        var out: HeadLog?
        if let fresh {
            do { out = try HeadLog(directory: fresh, readOnly: false) } catch {
                return note("head_log", "cannot write the repaired head log in \(fresh): \(error)")
            }
        }
        for file in files {
            var values = LogValues()
            for frame in file.frames {
                guard let record = checkRecord(frame.seq, frame.record, values: &values) else { continue }
                if out != nil {
                    // Written again alone: the copy's files may split where the originals did not.
                    do { _ = try out?.append(frame.seq, record.encoded()) } catch {
                        note("head_log", "head log record \(frame.seq): cannot be copied: \(error)")
                        report.logRecords.dropped += 1
                        continue
                    }
                }
                report.logRecords.kept += 1
                report.logSamples += record.samples.count
            }
            if let torn = file.tornAt {
                note("head_log", "head log file \(HeadLog.path(directory, file.first)): a frame header at byte offset \(torn) is torn or fails its CRC-32 check; the rest of the file cannot be read")
                report.logRecords.dropped += 1
            }
        }
        out?.close()
    }
}
