import Foundation
import GRDB
import Testing
import TrinCore
@testable import TrinStore
import TrinTestSupport

func tempStore(recentLimit: RecentEvents.Limit = .store) throws -> SQLiteStore {
    let dir = NSTemporaryDirectory() + "trin-store-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return try SQLiteStore(path: dir + "/trin.sqlite", recentLimit: recentLimit)
}


/// The store writes through a rollback journal (each page once: see `Store.journalMode`);
/// the price is that a reader waits while another process holds the write lock at a commit.
/// It must wait, not fail.
@Suite struct StoreLockingTests {
    @Test("a reader waits for another process's exclusive lock and then reads, instead of failing")
    func readerWaitsForACommit() throws {
        let store = try tempStore()
        try store.importFile { file in try file.add(record(1, .praktik, "2023-01-03")) }
        // Another process takes the exclusive lock (as a committing import does) for a while.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(1.5)
            c.execute("COMMIT")
            """, store.path]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        defer { holder.waitUntilExit() }
        #expect(output.fileHandleForReading.availableData.starts(with: Data("locked".utf8)))
        let started = Date()
        #expect(try store.eventCount() == 1)
        #expect(Date().timeIntervalSince(started) > 0.5, "the read did not wait for the lock")
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
    }
}

extension StoreLockingTests {
    @Test("a store left in WAL mode is opened while another process has it open, and converted once it is alone")
    func walStoreOpenElsewhere() throws {
        let path = try tempStore().path
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            assert c.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
            c.execute("SELECT count(*) FROM event").fetchone()  # as a running older trin would
            print("open", flush=True)
            sys.stdin.read()
            """, path]
        let output = Pipe(), input = Pipe()
        holder.standardOutput = output
        holder.standardInput = input
        try holder.run()
        #expect(output.fileHandleForReading.availableData.starts(with: Data("open".utf8)))
        do {
            // Opened, written and read while the other process keeps the WAL store open.
            let store = try SQLiteStore(path: path)
            try store.importFile { file in try file.add(record(2, .praktik, "2023-01-03")) }
            #expect(try store.eventCount() == 1)
            let mode = try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
            #expect(mode == "wal", "\(mode ?? "nil")")
        }
        try input.fileHandleForWriting.close()
        holder.waitUntilExit()
        #expect(holder.terminationStatus == 0)
        let alone = try SQLiteStore(path: path)
        #expect(try alone.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "delete")
        #expect(try alone.eventCount() == 1)
    }
}
