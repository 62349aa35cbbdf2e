import Testing
import TrinCore

@Suite struct StageTests {
    /// Ties "broken by name" compare `nameOrder`: it must be the code-point order of the names.
    @Test func nameOrderIsTheOrderOfTheNames() {
        let byName = Stage.allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
        #expect(byName.map(\.nameOrder) == Array(0..<Stage.allCases.count))
        #expect(Stage.byNameOrder == byName)
        for a in Stage.allCases {
            for b in Stage.allCases { #expect((a < b) == a.rawValue.utf8.lexicographicallyPrecedes(b.rawValue.utf8)) }
        }
    }
}
