// Tollgate — `serve`'s settings for glibc's allocator.

#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator is set up for a long-running server.
enum MemoryAllocator {
    /// Caps glibc's malloc arenas at one per core (at least two), unless the user set
    /// `MALLOC_ARENA_MAX` themselves. glibc's default is eight per core: scrapes, commits and
    /// queries run on many threads, each arena keeps its own free memory, and the process's
    /// resident size grows with the arena count (about 5 % more per series with 200,000
    /// series, at no measurable CPU cost: docs/performance.md).
    ///
    /// Fixes the size from which glibc maps a block of its own at 128 KiB (its default
    /// start), unless the user set `MALLOC_MMAP_THRESHOLD_`, and the size of free heap top it
    /// gives back at 128 KiB too (its default), unless `MALLOC_TRIM_THRESHOLD_` is set. By
    /// default both rise with the largest mapped block freed so far (a seal's list of 200,000
    /// sealed chunks is 12 MiB), and from then on every large passing buffer comes from the
    /// heap. What is large and passes often stays under the threshold or is kept instead:
    /// libcurl's receive buffer is 64 KiB (`Transfer`), scrape bodies reuse kept buffers
    /// (`BodyBuffers`). Measured with 200,000 series (docs/performance.md): mapping libcurl's
    /// buffer afresh for every transfer kept 13 MiB less resident, but cost 2,000 page
    /// faults a second and about a tenth more CPU per sample; these settings keep the CPU.
    static func configure() {
        #if canImport(Glibc)
        guard let mallopt = Self.mallopt else { return }
        if getenv("MALLOC_ARENA_MAX") == nil {
            let cores = Int32(clamping: sysconf(Int32(_SC_NPROCESSORS_ONLN)))
            _ = mallopt(arenaMax, max(2, cores))
        }
        if getenv("MALLOC_MMAP_THRESHOLD_") == nil { _ = mallopt(mmapThreshold, 128 << 10) }
        if getenv("MALLOC_TRIM_THRESHOLD_") == nil { _ = mallopt(trimThreshold, 128 << 10) }
        #endif
    }

    #if canImport(Glibc)
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which Swift's Glibc module does not include.
    private static let arenaMax: Int32 = -8
    /// `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD`, likewise.
    private static let mmapThreshold: Int32 = -3
    private static let trimThreshold: Int32 = -1

    /// glibc's `mallopt`, looked up at run time for the same reason; nil on another C library.
    private static var mallopt: (@convention(c) (Int32, Int32) -> Int32)? {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }
    #endif
}
