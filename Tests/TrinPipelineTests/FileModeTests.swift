import Foundation
import Testing
import TrinSample
import TrinTestSupport

/// Everything trin creates is closed to other users whatever the caller's umask:
/// the store, its journal and the log describe citizens.
@Suite struct FileModeTests {
    /// Runs trin under `umask 000`, the most open a caller can be.
    func openUmask(_ arguments: [String]) throws -> TrinBinary.Result {
        let quoted = ([TrinBinary.path] + arguments).map { "'" + $0 + "'" }.joined(separator: " ")
        return try TrinBinary.run(["-c", "umask 000 && exec " + quoted], executable: "/bin/sh")
    }

    @Test func createdFilesAreNotWorldReadableUnderAnOpenUmask() throws {
        let dir = TrinBinary.temporaryDirectory("trin-modes")
        let manifest = try SampleGenerator(citizens: 30, seed: 5, dirtyFraction: 0.1).write(to: dir + "/exports")
        try #require(try TrinBinary.run(["keygen", dir + "/key"]).status == 0)
        let file = try #require(manifest.files.first { $0.kind == "forloeb" })
        let imported = try openUmask(["import", "--store", dir + "/s.sqlite", "--key", dir + "/key", "--log", dir + "/logs/trin.log",
                                      "--mapping", "\(TrinBinary.repositoryRoot)/mappings/forloeb.yaml", dir + "/exports/" + file.name])
        try #require(imported.status == 0, "\(imported.output)")
        let published = try openUmask(["metrics", "--store", dir + "/s.sqlite", "--output", dir + "/out"])
        try #require(published.status == 0, "\(published.output)")

        var checked: [String] = []
        let fm = FileManager.default
        func check(_ path: String) throws {
            let attributes = try fm.attributesOfItem(atPath: path)
            guard (attributes[.type] as? FileAttributeType) != .typeSymbolicLink else { return }
            let mode = (attributes[.posixPermissions] as? Int ?? 0o777) & 0o777
            #expect(mode & 0o007 == 0, "\(path) is open to others: \(String(mode, radix: 8))")
            #expect(mode & 0o020 == 0, "\(path) is writable by the group: \(String(mode, radix: 8))")
            checked.append(path)
        }
        for name in ["s.sqlite", "s.sqlite.lock", "logs", "logs/trin.log", "out"] { try check(dir + "/" + name) }
        for case let relative as String in fm.enumerator(atPath: dir + "/out")! { try check(dir + "/out/" + relative) }
        let key = try fm.attributesOfItem(atPath: dir + "/key")[.posixPermissions] as? Int
        #expect(key.map { $0 & 0o777 } == 0o600)
        #expect(checked.count > 20, "the store, log, lock and a whole metric set were checked")
    }
}
