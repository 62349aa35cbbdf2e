import TrinCore

/// One row of the synthetic enterprise register. Enterprises are public bodies:
/// their names and CVR numbers are not personal data.
struct Enterprise: Sendable {
    var cvr: String
    var name: String
    /// `Virksomhed`, `Initiativ` or `Forening`.
    var type: String
    var social: Bool
    var local: Bool
    var economic: Bool
    var start: Day
    var end: Day?

    /// Names with the characters real registers hold: `;`, `,`, quotes, a line
    /// break, Danish letters and Windows-1252 punctuation (en dash).
    static let names: [String] = [
        "Café \"Mosaik\"; Slagelse", "Genbrug, Reparation & Co.", "Værkstedet – Cykler og Genbrug",
        "Grøn Omstilling ApS", "Kaffebaren \"Bønnen\"", "Fællesskabets Køkken", "Øens Have; økologisk gartneri",
        "Ålykke Værksted", "Det Sociale Trykkeri", "Bydelsmødrene, Vestbyen", "\"Hænder i Arbejde\"",
        "Møbelværkstedet\nAfdeling Nord", "Café Ærø", "Idrætsforeningen Sammen", "Byens Vaskeri",
        "Cykelkælderen", "Frivilligcentret", "Spisestedet Over Åen", "Nørre Genbrug", "Tøjbyttecentralen",
        "Sy & Syng", "Højskolecaféen", "Grønne Hænder; Naturpleje", "Den Blå Café", "Bageriet Brød & Co.",
        "Æblehaven", "Hjørnet, Café og Kultur", "Byhaverne", "Rengøringsholdet", "Kulturhuset \"Lyset\"",
    ]
    static let towns: [String] = ["Slagelse", "Korsør", "Skælskør", "Næstved", "Sorø", "Ringsted"]

    /// A valid CVR number: eight digits, modulus 11 with weights 2,7,6,5,4,3,2,1.
    static func randomCVR(_ rng: inout SampleRandom) -> String {
        let weights = [2, 7, 6, 5, 4, 3, 2]
        while true {
            var digits = [rng.int(1...9)]
            for _ in 0..<6 { digits.append(rng.int(0...9)) }
            let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
            let check = (11 - sum % 11) % 11
            if check == 10 { continue }
            digits.append(check)
            return digits.map(String.init).joined()
        }
    }

    /// The same CVR with its last digit changed: eight digits that fail modulus 11.
    static func brokenCVR(_ cvr: String) -> String {
        var digits = Array(cvr.utf8)
        digits[7] = digits[7] == UInt8(ascii: "9") ? UInt8(ascii: "0") : digits[7] + 1
        return String(decoding: digits, as: UTF8.self)
    }
}
