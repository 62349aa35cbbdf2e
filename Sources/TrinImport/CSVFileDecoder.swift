import Foundation
import TrinCore
import TrinCSV
import TrinMapping
import TrinPseudonym
import TrinStore

/// A CSV export read through its mapping: columns bound by header name.
final class CSVFileDecoder: FileDecoder {
    let reader: CSVReader
    let decoder: RecordDecoder
    /// Column of the CPR number, masked whole in a kept row.
    let cprColumn: Int?
    let delimiter: String
    /// The dialect's quote, for fields of a masked row that need it.
    let quote: String
    let values: FieldValues
    /// The columns the mapping reads: no other is converted or looked at.
    let columnsRead: [Int]
    /// Rows of the source's last export (when read the same way), and the ones gathered for the next.
    private let digester: RowDigester?
    private var known: KnownRows?

    /// `known`: the source's set from the store, used when its context is this file's;
    /// `digester` nil: no row is skipped or kept (a dry run, a test of the full path).
    init(path: String, mapping: Mapping, layout: CSVLayout, source: String = "", digester: RowDigester? = nil,
         known stored: KnownRows? = nil, spillDirectory: String? = nil) throws(ImportError) {
        let dialect = CSVDialect(delimiter: layout.delimiter, quote: layout.quote,
                                 encoding: layout.encoding == .utf8 ? .utf8 : .windows1252,
                                 utf8WhenBOM: layout.utf8WhenBOM)
        do { reader = try CSVReader(path: path, dialect: dialect) } catch { throw .csv(error) }
        let header = reader.header
        // A column the mapping reads that the header names twice: which one is meant is not
        // the file's to say, so the file is refused rather than read from the first.
        let read = Set(mapping.fields.values.flatMap { $0.from + ($0.fallback?.value.from ?? []) })
        var seen = Set<String>()
        for name in header where read.contains(name) && !seen.insert(name).inserted {
            throw .document(file: path, message: "\(path): line 1: the header names the column \"\(name)\" twice, which mapping "
                            + "\(mapping.name) reads: file refused")
        }
        do {
            decoder = try RecordDecoder(mapping: mapping) { header.firstIndex(of: $0) }
        } catch {
            throw .mapping(file: path, error, columns: header)
        }
        let cprField = mapping.fields["cpr"]?.from.first
        cprColumn = cprField.flatMap { header.firstIndex(of: $0) }
        delimiter = String(UnicodeScalar(layout.delimiter))
        quote = String(UnicodeScalar(layout.quote))
        columnsRead = decoder.slotsRead
        values = FieldValues(slots: header.count)
        self.digester = digester
        if let digester {
            // Everything that decides what a row's bytes become: the same bytes under another
            // header, encoding, mapping or version of trin are another record.
            let headerDigest = digester.digest(Array(header.joined(separator: "\u{1F}").utf8))
            // A trailing empty header field is dropped from the names but decides how many
            // fields a row must have: it belongs to the context as much as the names do.
            let context = "v1 trin \(TrinVersion.current) source \(source) mapping \(mapping.fingerprint) "
                + "encoding \(reader.encoding) header \(String(headerDigest, radix: 16))"
                + (reader.dropsTrailingEmptyField ? " trailing-delimiter" : "")
            known = stored?.context == context ? stored : KnownRows(context: context)
            known!.spillDirectory = spillDirectory
        }
    }

    var knownRowsForNext: KnownRows? { known }
    var skipsKnownRows: Bool { (known?.count ?? 0) > 0 }

    var bytesRead: Int { reader.bytesRead }

    func decode(_ body: (DecodedItem, () -> String?, () -> String) throws -> Void) throws {
        // Peeking pays only when the source's last export left rows to recognise.
        let peeks = (known?.count ?? 0) > 0
        while true {
            // A nightly export is mostly rows the store holds: a row is recognised by its
            // bytes before it is split into fields. Its digest matched a row that decoded
            // to a record under this very context (header, encoding, mapping, version), so
            // the same bytes need no field, encoding or rule checked again.
            var peeked: (digest: UInt64, bytes: UnsafeRawBufferPointer)?
            if peeks, let digester, let row = reader.peekRow() {
                let digest = digester.digest(row.bytes)
                if known!.containsAndKeep(digest) {
                    reader.skipPeeked()
                    try body(.known(line: row.line), { nil }, { "" })
                    continue
                }
                peeked = (digest, row.bytes)
            }
            guard let row = try reader.next() else { break }
            if let problem = row.problem {
                try body(.unreadable(problem.rejectReason, line: row.line, detail: problem.description), { nil }, { self.maskedRow(row) })
                continue
            }
            var digest: UInt64 = 0
            if let digester {
                // The row read is the one peeked (`peekRow` finds the same bytes `next` reads;
                // checked all the same, by place and length, as the digest is kept for the
                // next export: the row was whole in the buffer, so `next` did not move it).
                if let peeked, row.withRawBytes({ $0.baseAddress == peeked.bytes.baseAddress && $0.count == peeked.bytes.count }) {
                    digest = peeked.digest
                } else {
                    digest = row.withRawBytes { digester.digest($0) }
                    if known!.containsAndKeep(digest) {
                        try body(.known(line: row.line), { nil }, { "" })
                        continue
                    }
                }
            }
            values.reset()
            // Lent, not copied: the row's fields stay put until the next row is read.
            for i in columnsRead where i < row.fieldCount {
                if let field = row.lendUTF8(i) { values.lend(i, field) }
            }
            let outcome = decoder.decodeInPlace(values)
            if digester != nil, case .event = outcome { known!.keep(digest) }
            try body(.outcome(outcome, line: row.line), { nil }, { self.maskedRow(row) })
        }
    }

    /// The row with the CPR column replaced whole, and any other CPR-shaped text masked.
    /// Split rows are written back in the file's dialect (a field holding the delimiter,
    /// the quote or a line break quoted), so the row reads as the fields it had. A row that
    /// could not be split (an unclosed quote, a row over the limit) is split naively on the
    /// delimiter, so that its CPR column is still blanked whole.
    func maskedRow(_ row: CSVRow) -> String {
        var fields: [String]
        if row.fieldCount > 0 {
            fields = (0..<row.fieldCount).map { i in
                let field = row.string(i) ?? "\u{FFFD}"
                let special = [delimiter.utf8.first!, quote.utf8.first!, 10, 13]
                guard field.utf8.contains(where: special.contains) else { return field }
                return quote + field.replacingOccurrences(of: quote, with: quote + quote) + quote
            }
        } else {
            fields = row.rawText.split(separator: Character(delimiter), omittingEmptySubsequences: false).map(String.init)
        }
        if let cprColumn, cprColumn < fields.count { fields[cprColumn] = PersonalDataMask.maskedCPR }
        return PersonalDataMask.mask(fields.joined(separator: delimiter))
    }
}
