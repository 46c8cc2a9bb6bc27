// Tollgate — Probe: a certificate's end of validity, from the text curl reports.

import CurlHTTP
import Model

/// Reads the `Expire date` curl passes on from OpenSSL (`ASN1_TIME_print`):
/// `Dec  4 16:00:00 2027 GMT`, or `2027-12-04 16:00:00 GMT` from newer versions.
enum CertificateDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Unix seconds of `text`, or nil when it is neither form.
    static func parse(_ text: String) -> Int64? {
        let words = text.split(separator: " ")
        var date: (year: Int64, month: Int64, day: Int64)
        var clock: Substring
        if words.count >= 4, let month = months.firstIndex(of: String(words[0])), let day = Int64(words[1]), let year = Int64(words[3]) {
            date = (year, Int64(month + 1), day)
            clock = words[2]
        } else if words.count >= 2 {
            let parts = words[0].split(separator: "-").compactMap { Int64($0) }
            guard parts.count == 3 else { return nil }
            date = (parts[0], parts[1], parts[2])
            clock = words[1]
        } else {
            return nil
        }
        let time = clock.split(separator: ":").compactMap { Int64($0) }
        guard time.count == 3, (1...12).contains(date.month), (1...31).contains(date.day) else { return nil }
        return Timestamp.days(year: date.year, month: date.month, day: date.day) * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
    }

    /// The ends of validity of a peer's chain that parse.
    static func expiries(_ chain: [PeerCertificate]) -> [Int64] {
        chain.compactMap { parse($0.expireDate) }
    }
}
