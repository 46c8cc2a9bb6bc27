// Tollgate — process_* metrics, as every Prometheus client exports them.

#if canImport(Glibc)
import Glibc
#endif
import Exposition
import Model

/// Reads the process's CPU time, memory, file descriptors and start time from
/// /proc and the C library, and writes the standard `process_*` families.
struct ProcessMetrics: Sendable {
    /// Seconds since the epoch when this value was made (at server start).
    let startTime: Double

    init(clock: any MillisecondClock = SystemClock()) {
        startTime = Double(clock.now()) / 1000
    }

    func write(into writer: inout TextWriter) {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        gauge(&writer, "process_cpu_seconds_total", .counter, "Total user and system CPU time spent in seconds.", cpu)
        if let (virtual, resident) = memory() {
            gauge(&writer, "process_virtual_memory_bytes", .gauge, "Virtual memory size in bytes.", virtual)
            gauge(&writer, "process_resident_memory_bytes", .gauge, "Resident memory size in bytes.", resident)
        }
        gauge(&writer, "process_start_time_seconds", .gauge, "Start time of the process since unix epoch in seconds.", startTime)
        if let open = openFileDescriptors() {
            gauge(&writer, "process_open_fds", .gauge, "Number of open file descriptors.", Double(open))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            gauge(&writer, "process_max_fds", .gauge, "Maximum number of open file descriptors.", Double(limit.rlim_cur))
        }
    }

    private func gauge(_ writer: inout TextWriter, _ name: String, _ type: MetricType, _ help: String, _ value: Double) {
        writer.family(name, type: type, help: help)
        writer.sample(Labels([metricNameLabel: name]), value: value)
    }

    /// (virtual, resident) bytes from /proc/self/statm.
    private func memory() -> (Double, Double)? {
        guard let text = try? InputFile.read(path: "/proc/self/statm") else { return nil }
        let fields = String(decoding: text, as: UTF8.self).split(separator: " ")
        guard fields.count >= 2, let pages = Double(fields[0]), let resident = Double(fields[1]) else { return nil }
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        return (pages * pageSize, resident * pageSize)
    }

    private func openFileDescriptors() -> Int? {
        guard let dir = opendir("/proc/self/fd") else { return nil }
        defer { closedir(dir) }
        var count = 0
        while readdir(dir) != nil { count += 1 }
        return max(0, count - 3)  // ".", ".." and the directory's own descriptor
    }
}
