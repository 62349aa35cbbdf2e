import Crypto
import TrinCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The secret behind every pseudonym: at least 256 random bits, kept in a file
/// readable only by the service, outside the store, the configuration and the output.
///
/// The file holds the key as hexadecimal text on one line. A key that is missing,
/// shorter than 256 bits, or readable by group or others stops the run.
public struct PseudonymKey: Sendable {
    /// The key bytes. Never printed.
    let bytes: [UInt8]
    /// A short public fingerprint of the key (not the key, and not reversible), kept
    /// in the store so it can say which key made its pseudonyms.
    public let keyID: String

    /// Minimum key length in bytes (256 bits).
    public static let minimumByteCount = 32

    public init(bytes: [UInt8]) throws(PseudonymKeyError) {
        guard bytes.count >= Self.minimumByteCount else { throw .tooShort(path: nil, bits: bytes.count * 8) }
        self.bytes = bytes
        let tag = HMAC<SHA256>.authenticationCode(for: Array("trin:key-id:v1".utf8), using: SymmetricKey(data: bytes))
        self.keyID = Hex.encode(tag.prefix(8))
    }

    /// Loads and checks a key file.
    public static func load(path: String) throws(PseudonymKeyError) -> PseudonymKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .missing(path: path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notAFile(path: path) }
        guard info.st_mode & 0o077 == 0 else {
            throw .readableByOthers(path: path, mode: String(info.st_mode & 0o777, radix: 8))
        }
        var text = [UInt8]()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { buffer.deallocate() }
        do {
            let file = try FileDescriptor(opening: path, O_RDONLY)
            while case let n = try file.read(into: buffer), n > 0 {
                text.append(contentsOf: buffer[0..<n])
                if text.count > 1 << 16 { throw PseudonymKeyError.notHex(path: path) }
            }
        } catch let error as PseudonymKeyError {
            throw error
        } catch {
            throw .unreadable(path: path)
        }
        let hex = text.filter { $0 != 0x0A && $0 != 0x0D && $0 != 0x20 }
        guard hex.count % 2 == 0, let bytes = Self.decodeHex(hex) else { throw .notHex(path: path) }
        do { return try PseudonymKey(bytes: bytes) } catch { throw .tooShort(path: path, bits: bytes.count * 8) }
    }

    /// Writes a new random 256-bit key with mode 0600. Refuses to overwrite a file.
    public static func generate(path: String) throws(PseudonymKeyError) {
        var key = SystemRandomNumberGenerator()
        let bytes = (0..<Self.minimumByteCount).map { _ in UInt8.random(in: 0...255, using: &key) }
        do {
            let file = try FileDescriptor(opening: path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            try file.write(Array((Hex.encode(bytes) + "\n").utf8))
            try file.sync()
            try file.close()
        } catch {
            throw .cannotCreate(path: path, errno: error.errno)
        }
    }

    static func decodeHex(_ hex: [UInt8]) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(hex.count / 2)
        var i = 0
        while i < hex.count {
            guard let h = nibble(hex[i]), let l = nibble(hex[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}

/// Why a key cannot be used. Messages name the file and the fix, never the key.
public enum PseudonymKeyError: Error, Sendable, CustomStringConvertible {
    case missing(path: String)
    case unreadable(path: String)
    case readableByOthers(path: String, mode: String)
    case tooShort(path: String?, bits: Int)
    case notHex(path: String)
    case notAFile(path: String)
    case cannotCreate(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .missing(let p): "key file \(p) does not exist (create one with `trin keygen \(p)`)"
        case .unreadable(let p): "key file \(p) cannot be read"
        case .readableByOthers(let p, let m): "key file \(p) has mode \(m): it must be readable by its owner only (chmod 600 \(p))"
        case .tooShort(let p, let bits): "key \(p.map { "in \($0) " } ?? "")has \(bits) bits; at least 256 are required"
        case .notHex(let p): "key file \(p) must hold the key as hexadecimal text on one line"
        case .notAFile(let p): "key file \(p) is a folder or a device, not a key file (give the file itself, e.g. \(p)/pseudonym.key)"
        case .cannotCreate(let p, let e): "cannot create key file \(p): \(String(cString: strerror(e)))"
        }
    }
}
