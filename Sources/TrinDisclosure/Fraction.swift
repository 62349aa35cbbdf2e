/// An exact rational number over Int, kept in lowest terms with a positive
/// denominator. Enough for eliminating small 0/±1 systems without rounding.
struct Fraction: Equatable, Sendable {
    private(set) var num: Int
    private(set) var den: Int

    init(_ n: Int, _ d: Int = 1) {
        precondition(d != 0, "zero denominator")
        let g = Fraction.gcd(n, d)
        let sign = d < 0 ? -1 : 1
        num = sign * n / g
        den = sign * d / g
    }

    static let zero = Fraction(0)
    var isZero: Bool { num == 0 }

    static func + (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.den + b.num * a.den, a.den * b.den) }
    static func - (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.den - b.num * a.den, a.den * b.den) }
    static func * (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.num, a.den * b.den) }
    static func / (a: Fraction, b: Fraction) -> Fraction { Fraction(a.num * b.den, a.den * b.num) }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return max(x, 1)
    }
}
