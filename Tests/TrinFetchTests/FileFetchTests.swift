import Foundation
import Testing
import TrinFetch

@Suite("HTTPFetcher with file:// URLs")
struct FileFetchTests {
    @Test("A file is copied to a temporary file, with its modification time as Last-Modified")
    func fetchesFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let source = scratch.url.appendingPathComponent("export.csv")
        try csvBody.write(to: source, atomically: true, encoding: .utf8)
        let modified = Date(timeIntervalSince1970: 1_759_284_000)  // 2025-10-01T02:00:00Z
        try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: source.path)
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: SleepRecorder().environment())

        let file = try #require(try fetcher.fetch(FetchRequest(url: source.absoluteString, expectedContent: .csv),
                                                  into: scratch.path).fetchedFile)
        #expect(file.path != source.path)
        #expect(try String(contentsOfFile: file.path, encoding: .utf8) == csvBody)
        #expect(file.bytes == Int64(csvBody.utf8.count))
        #expect(file.status == 0)
        #expect(file.lastModified == "Wed, 01 Oct 2025 02:00:00 GMT")

        // Unchanged since that date: not modified, and no new file.
        let before = Set(scratch.entries)
        let again = try fetcher.fetch(FetchRequest(url: source.absoluteString, previousLastModified: file.lastModified),
                                      into: scratch.path)
        #expect(again.notModified != nil)
        #expect(Set(scratch.entries) == before)

        // Changed later: fetched again.
        try FileManager.default.setAttributes([.modificationDate: modified.addingTimeInterval(60)], ofItemAtPath: source.path)
        let changed = try fetcher.fetch(FetchRequest(url: source.absoluteString, previousLastModified: file.lastModified),
                                        into: scratch.path)
        #expect(changed.fetchedFile?.lastModified == "Wed, 01 Oct 2025 02:01:00 GMT")
    }

    @Test("A missing file is reported, not retried")
    func missingFile() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let sleeps = SleepRecorder()
        let fetcher = try HTTPFetcher(policy: testPolicy(), environment: sleeps.environment())
        let error = try #require(fetchError(fetcher, FetchRequest(url: scratch.url.appendingPathComponent("none.csv").absoluteString),
                                            into: scratch.path))
        #expect(error.reason == .fileNotReadable)
        #expect(error.attempts == 1)
        #expect(sleeps.recorded.isEmpty)
        #expect(scratch.entries.isEmpty)
    }

    @Test("An HTML file where XML is expected is refused; a large file is limited too")
    func fileChecks() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let html = scratch.url.appendingPathComponent("page.xml")
        try "\n  <!doctype HTML><html></html>".write(to: html, atomically: true, encoding: .utf8)
        let big = scratch.url.appendingPathComponent("big.csv")
        try Data(repeating: 65, count: 50_000).write(to: big)
        let fetcher = try HTTPFetcher(policy: testPolicy(maxBytes: 10_000), environment: SleepRecorder().environment())

        #expect(fetchError(fetcher, FetchRequest(url: html.absoluteString, expectedContent: .xml), into: scratch.path)?.reason
            == .htmlInsteadOfData)
        #expect(fetchError(fetcher, FetchRequest(url: big.absoluteString), into: scratch.path)?.reason
            == .tooLarge(limit: 10_000))
        #expect(Set(scratch.entries) == ["page.xml", "big.csv"])
    }
}
