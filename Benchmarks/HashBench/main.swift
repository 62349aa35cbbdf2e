// make bench: the keyed hashes of the decoding thread, per call, on this machine.
//   trin-hash-bench [NUMBERS]
// The pseudonym (HMAC-SHA-256 of "dk-cpr:v1:" + ten digits) as `Pseudonymiser` computes it,
// from its two keyed SHA-256 states, beside swift-crypto's own `HMAC` with a keyed state
// copied per number (trin's way until 2026-12); and the keyed row digest (SipHash-2-4,
// `RowDigester`) of a 140-byte row, the size of a course export's row. Each is timed
// three times, alternately; the median is printed. Both pseudonym ways are first checked
// to agree on every number.
import Crypto
import Foundation
import TrinCore
import TrinPseudonym

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let keyBytes = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
let key = try PseudonymKey(bytes: keyBytes)
let pseudonymiser = Pseudonymiser(key: key)

// Valid CPR numbers, made before anything is timed.
var numbers: [CPRNumber] = []
numbers.reserveCapacity(count)
make: for year in 0..<100 {
    for month in 1...12 {
        for day in 1...28 {
            for sequence in 1000..<2000 {
                let text = String(format: "%02d%02d%02d%04d", day, month, year, sequence)
                if case .success(let cpr) = CPRNumber.parse(text) { numbers.append(cpr) }
                if numbers.count == count { break make }
            }
        }
    }
}

var library = HMAC<SHA256>(key: SymmetricKey(data: keyBytes))
library.update(data: Array("dk-cpr:v1:".utf8))
let keyedLibrary = library
func libraryPseudonym(_ cpr: CPRNumber) -> [UInt8] {
    var hmac = keyedLibrary
    cpr.withDigits { hmac.update(data: $0) }
    return Array(hmac.finalize().prefix(16))
}
for cpr in numbers where libraryPseudonym(cpr) != pseudonymiser.pseudonym(for: cpr).bytes {
    FileHandle.standardError.write(Data("the two ways disagree on a number\n".utf8))
    exit(1)
}

func seconds(_ body: () -> UInt64) -> (Double, UInt64) {
    let start = DispatchTime.now().uptimeNanoseconds
    let sink = body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, sink)
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var twoStates: [Double] = [], swiftCrypto: [Double] = [], rowDigest: [Double] = []
var sink: UInt64 = 0
let row = (0..<140).map { UInt8(truncatingIfNeeded: 48 + $0 % 43) }
for _ in 0..<3 {
    let (a, x) = seconds { numbers.reduce(0) { $0 &+ pseudonymiser.pseudonym(for: $1).low } }
    let (b, y) = seconds {
        numbers.reduce(0) { acc, cpr in
            var hmac = keyedLibrary
            cpr.withDigits { hmac.update(data: $0) }
            return acc &+ hmac.finalize().withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
        }
    }
    let (c, z) = seconds { row.withUnsafeBytes { r in (0..<count).reduce(0) { $0 &+ pseudonymiser.rowDigester.digest(r) &+ UInt64($1) } } }
    twoStates.append(a); swiftCrypto.append(b); rowDigest.append(c)
    sink &+= x &+ y &+ z
}

func line(_ label: String, _ secs: Double, bytes: Int = 0) {
    let perCall = secs / Double(count) * 1e9
    let rate = Double(count) / secs
    let mbs = bytes > 0 ? String(format: "%8.0f MB/s", Double(count * bytes) / secs / 1e6) : ""
    let padded = label.padding(toLength: 52, withPad: " ", startingAt: 0)
    print(padded + String(format: "%7.0f ns %12.0f /s", perCall, rate) + mbs)
}
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print("\(count) numbers, median of 3 (checksum \(sink % 1000)), peak \(usage.ru_maxrss / 1024) MB")
line("pseudonym, two keyed SHA-256 states (trin)", median(twoStates))
line("pseudonym, swift-crypto HMAC, keyed state copied", median(swiftCrypto))
line("row digest, SipHash-2-4 of a 140-byte row", median(rowDigest), bytes: 140)
