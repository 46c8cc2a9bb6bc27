// Tollgate — TSDB: the 64-bit FNV-1a hash of stored bytes.

/// FNV-1a, 64 bits: the same in every process, so hashes of stored bytes can be stored
/// (timestamp sets) or recomputed at start-up (cold series' labels).
enum FNV1a {
    /// The hash of `bytes`.
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
