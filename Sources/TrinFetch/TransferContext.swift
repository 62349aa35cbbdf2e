#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrinCore

/// State of one transfer, reached from libcurl's C callbacks through an
/// `Unmanaged` pointer. Lives only for the duration of `curl_easy_perform`.
final class TransferContext {
    /// The temporary file the body streams into (closed when the context goes).
    let file: FileDescriptor
    let maxBytes: Int64
    /// Body bytes written to the temporary file.
    private(set) var bytes: Int64 = 0
    /// The first bytes of the body, to recognise HTML.
    private(set) var prefix: [UInt8] = []
    /// Set when the body passed `maxBytes` and the write callback stopped the transfer.
    private(set) var exceededLimit = false
    /// `errno` of a failed write to the temporary file, or 0.
    private(set) var writeError: Int32 = 0
    /// Headers of the latest response (redirects and 1xx responses reset them); names lowercased.
    private(set) var headers: [String: String] = [:]

    init(file: consuming FileDescriptor, maxBytes: Int64) {
        self.file = file
        self.maxBytes = maxBytes
    }

    /// CURLOPT_WRITEFUNCTION: streams the body to the file; returning less than
    /// was given makes libcurl stop with CURLE_WRITE_ERROR.
    static func write(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                      _ userdata: UnsafeMutableRawPointer?) -> Int {
        guard let data, let userdata else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
        return context.append(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    /// CURLOPT_HEADERFUNCTION: one header line per call.
    static func header(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                       _ userdata: UnsafeMutableRawPointer?) -> Int {
        guard let data, let userdata else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
        let length = size * count
        context.headerLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    private func append(_ chunk: UnsafeRawBufferPointer) -> Int {
        if bytes + Int64(chunk.count) > maxBytes {
            exceededLimit = true
            return 0
        }
        if prefix.count < ContentSniffer.prefixLength {
            prefix.append(contentsOf: chunk.prefix(ContentSniffer.prefixLength - prefix.count))
        }
        do { try file.write(chunk) } catch {
            writeError = error.errno
            return 0
        }
        bytes += Int64(chunk.count)
        return chunk.count
    }

    private func headerLine(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        let name = text[..<colon].lowercased()
        let value = text[text.index(after: colon)...].trimmingWhitespace()
        headers[name] = String(value)
    }
}
