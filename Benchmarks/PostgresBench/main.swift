// make bench-postgres: the PostgreSQL store's merge path on synthetic records of the
// nightly shape (five records per citizen), against a running server:
//   trin-postgres-bench URL [ROWS]
// Prints, for a fresh import and for the same records imported again (the nightly case of
// an unchanged export): records/s, MB/s of COPY text sent, and this process's peak memory.
import Foundation
import Logging
import TrinCore
import TrinPostgres
import TrinStore

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: trin-postgres-bench postgresql://user@host:port/db [rows]\n".utf8))
    exit(2)
}
let rows = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000

/// Records of the nightly shape, made as they are sent: nothing is held in memory.
struct NightlyRecords: Sequence, Sendable {
    let count: Int
    func makeIterator() -> AnyIterator<ProgressRecord> {
        var i = 0
        let stages: [Stage] = [.praktik, .loentimer, .job]
        return AnyIterator {
            guard i < count else { return nil }
            defer { i += 1 }
            let citizen = UInt64(i / 5)
            return ProgressRecord(pseudonym: Pseudonym(high: citizen &* 0x9E37_79B9_7F4A_7C15, low: citizen), ageBand: .from25to29,
                                  agreement: "SA-2022-0\(10 + i % 40)", enterprise: "1234567\(i % 10)", targetGroup: .kontanthjaelp,
                                  stage: stages[i % 3], start: Day(daysSinceEpoch: 19_000 + Int32(i % 5) * 30),
                                  end: i % 2 == 0 ? Day(daysSinceEpoch: 19_400) : nil, hoursPerWeek: 12.5,
                                  recordedAt: Instant(secondsSinceEpoch: 1_700_000_000), source: "forloeb",
                                  sourceRecordID: "F-2024-\(String(i / 5 + 1_000_000))")
        }
    }
}

func peakMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

let logger = Logger(label: "bench")
let tenant = "bench-\(UUID().uuidString.prefix(8))"
do {
    let store = try PostgresStore.open(url: try PostgresURL(arguments[1]), tenant: String(tenant), workDirectory: "/tmp",
                                             environment: ProcessInfo.processInfo.environment,
                                             home: ProcessInfo.processInfo.environment["HOME"],
                                             readFile: { try? String(contentsOfFile: $0, encoding: .utf8) }, logger: logger)
    let bytesPerRow = Double(NightlyRecords(count: 1000).reduce(0) { $0 + PostgresStore.copyTextBytes($1) }) / 1000
    print("PostgreSQL merge path, \(rows) records, \(String(format: "%.0f", bytesPerRow)) B of COPY text each")
    for label in ["fresh import", "same records again"] {
        let start = Date()
        let counts = try store.importRecords(NightlyRecords(count: rows))
        let seconds = Date().timeIntervalSince(start)
        print(label.padding(toLength: 20, withPad: " ", startingAt: 0)
              + String(format: "%6.2f s  %9.0f records/s  %6.1f MB/s  peak %5.0f MB  (inserted %d, updated %d, duplicates %d)", seconds, Double(rows) / seconds, Double(rows) * bytesPerRow / seconds / 1e6, peakMegabytes(),
                     counts.inserted, counts.updated, counts.duplicates))
    }
    try store.execute(unsafeSQL: "DELETE FROM event WHERE tenant = '\(tenant)'")
    store.close()
} catch {
    FileHandle.standardError.write(Data("trin-postgres-bench: \(error)\n".utf8))
    exit(1)
}
