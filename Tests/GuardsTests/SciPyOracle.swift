// Tollgate — SciPy as the oracle of the statistics: one python3 run answers every case.

import Foundation

/// Runs SciPy over many cases at once; nil (with the reason) when python3 or SciPy is missing.
enum SciPyOracle {
    /// What SciPy answers for one case.
    struct Answer {
        /// `mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)`.
        var u: Double
        var p: Double
        /// R's asymptotic `wilcox.test` interval, re-done with SciPy's `rankdata` and `brentq`.
        var lower: Double
        var upper: Double
        /// `norm.ppf(1 - (1 - confidence) / 2)`.
        var quantile: Double
    }

    static let script = """
        import sys, math
        import numpy as np
        from scipy.stats import mannwhitneyu, rankdata, norm
        from scipy.optimize import brentq
        def wdiff(x, y, d, zq):
            r = rankdata(np.concatenate([x - d, y]))
            n, m = len(x), len(y)
            dz = r[:n].sum() - n * (n + 1) / 2 - n * m / 2
            _, t = np.unique(np.concatenate([x - d, y]), return_counts=True)
            sigma = math.sqrt(n * m / 12 * ((n + m + 1) - (t**3 - t).sum() / ((n + m) * (n + m - 1))))
            return (dz - np.sign(dz) * 0.5) / sigma - zq
        def root(x, y, zq):
            lo, hi = x.min() - y.max(), x.max() - y.min()
            if lo == hi: return lo
            if wdiff(x, y, lo, zq) <= 0: return lo
            if wdiff(x, y, hi, zq) >= 0: return hi
            return brentq(lambda d: wdiff(x, y, d, zq), lo, hi, xtol=1e-13, rtol=1e-15, maxiter=500)
        for line in sys.stdin:
            parts = line.split("|")
            x = np.array([float(v) for v in parts[0].split()])
            y = np.array([float(v) for v in parts[1].split()])
            c = float(parts[2])
            r = mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
            q = norm.ppf(1 - (1 - c) / 2)
            print(repr(float(r.statistic)), repr(float(r.pvalue)), repr(float(root(x, y, q))), repr(float(root(x, y, -q))), repr(float(q)))
        """

    /// SciPy's answers, in order; nil and the reason when SciPy cannot run.
    static func answers(_ cases: [(x: [Double], y: [Double], confidence: Double)]) -> (answers: [Answer]?, reason: String) {
        signal(SIGPIPE, SIG_IGN)  // a python3 that stops reading must fail the test, not kill the process
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return (nil, "python3 cannot start: \(error)") }
        let text = cases.map { c in
            c.x.map { "\($0)" }.joined(separator: " ") + "|" + c.y.map { "\($0)" }.joined(separator: " ") + "|\(c.confidence)\n"
        }.joined()
        // Read while writing would be needed for huge inputs; these fit the pipe buffers in turn.
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))  // a write error shows as missing answers
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return (nil, errorText.contains("No module named") ? "SciPy is not installed (scripts/apt-install.sh python3-scipy)" : "python3 failed: \(errorText)")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        let answers = lines.compactMap { line -> Answer? in
            let fields = line.split(separator: " ").map { Double(String($0)) ?? .nan }
            guard fields.count == 5 else { return nil }
            return Answer(u: fields[0], p: fields[1], lower: fields[2], upper: fields[3], quantile: fields[4])
        }
        guard answers.count == cases.count else { return (nil, "SciPy answered \(answers.count) of \(cases.count) cases: \(errorText)") }
        return (answers, "")
    }
}
