import Crypto
import Foundation
import Testing
import TrinCore
@testable import TrinPseudonym

@Suite struct PseudonymiserTests {
    let dir: String = {
        let d = NSTemporaryDirectory() + "trin-key-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }()

    @Test func isAKeyedHashOfTheVersionedInput() throws {
        let key = try PseudonymKey(bytes: Array(repeating: 7, count: 32))
        let cpr = try CPRNumber.parse("010190-1234").get()
        let p = Pseudonymiser(key: key).pseudonym(for: cpr)
        // Independent computation: HMAC-SHA-256(key, "dk-cpr:v1:0101901234"), first 16 bytes.
        let mac = HMAC<SHA256>.authenticationCode(for: Array("dk-cpr:v1:0101901234".utf8),
                                                  using: SymmetricKey(data: Array(repeating: UInt8(7), count: 32)))
        #expect(p.bytes == Array(mac.prefix(16)))
        // Every spelling of the number gives the same pseudonym; another key another one.
        #expect(Pseudonymiser(key: key).pseudonym(for: try CPRNumber.parse(" 0101901234").get()) == p)
        let other = try PseudonymKey(bytes: Array(repeating: 8, count: 32))
        #expect(Pseudonymiser(key: other).pseudonym(for: cpr) != p)
        #expect(Pseudonymiser(key: other).keyID != Pseudonymiser(key: key).keyID)
        // Not a plain hash of the number.
        let plain = SHA256.hash(data: Array("0101901234".utf8))
        #expect(Array(plain.prefix(16)) != p.bytes)
    }

    /// The pseudonymiser computes the HMAC from its two keyed hash states: the same
    /// pseudonyms as swift-crypto's `HMAC`, for keys of every length around SHA-256's
    /// 64-byte block (a longer key is hashed first) and numbers across the range.
    @Test func agreesWithTheLibrarysHMACForEveryKeyLength() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [32, 33, 63, 64, 65, 100, 128] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let pseudonymiser = Pseudonymiser(key: try PseudonymKey(bytes: bytes))
            for text in ["0101900000", "3112999999", "0101901234", "1507634321", "2902040123"] {
                let cpr = try CPRNumber.parse(text).get()
                let mac = HMAC<SHA256>.authenticationCode(for: Array(("dk-cpr:v1:" + text).utf8), using: SymmetricKey(data: bytes))
                #expect(pseudonymiser.pseudonym(for: cpr).bytes == Array(mac.prefix(16)), "key of \(length) bytes")
            }
        }
    }

    @Test func keygenWritesAPrivateKeyThatLoads() throws {
        let path = dir + "/key"
        try PseudonymKey.generate(path: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
        #expect(mode == 0o600)
        let key = try PseudonymKey.load(path: path)
        #expect(key.bytes.count == 32)
        #expect(throws: PseudonymKeyError.self) { try PseudonymKey.generate(path: path) }  // never overwrites
    }

    @Test func refusesMissingShortAndReadableKeys() throws {
        #expect { try PseudonymKey.load(path: dir + "/nope") } throws: { "\($0)".contains("does not exist") }
        let short = dir + "/short"
        #expect(FileManager.default.createFile(atPath: short, contents: Data(String(repeating: "ab", count: 31).utf8),
                                       attributes: [.posixPermissions: 0o600]))
        #expect { try PseudonymKey.load(path: short) } throws: { "\($0)".contains("248 bits") }
        let open = dir + "/open"
        #expect(FileManager.default.createFile(atPath: open, contents: Data(String(repeating: "ab", count: 32).utf8),
                                       attributes: [.posixPermissions: 0o644]))
        #expect { try PseudonymKey.load(path: open) } throws: { "\($0)".contains("mode 644") }
        let garbage = dir + "/garbage"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(String(repeating: "zz", count: 32).utf8),
                                       attributes: [.posixPermissions: 0o600]))
        #expect { try PseudonymKey.load(path: garbage) } throws: { "\($0)".contains("hexadecimal") }
    }
}
