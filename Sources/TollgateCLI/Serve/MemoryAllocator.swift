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
    static func configure() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil, let mallopt = Self.mallopt else { return }
        let cores = Int32(clamping: sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        _ = mallopt(arenaMax, max(2, cores))
        #endif
    }

    #if canImport(Glibc)
    /// `M_ARENA_MAX` of glibc's `<malloc.h>`, which Swift's Glibc module does not include.
    private static let arenaMax: Int32 = -8

    /// glibc's `mallopt`, looked up at run time for the same reason; nil on another C library.
    private static var mallopt: (@convention(c) (Int32, Int32) -> Int32)? {
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    }
    #endif
}
