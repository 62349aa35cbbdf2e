import Testing
import TrinStore

@Suite struct UnknownCodeTests {
    @Test func theTallyKeepsTheMostFrequentAndStaysBounded() {
        var tally = UnknownCode.Tally()
        for _ in 0..<3 { tally.count("unknown_activity", field: "stage", value: "IGU") }
        tally.count("unknown_activity", field: "stage", value: "Nyttejob")
        for _ in 0..<2 { tally.count("unknown_target_group", field: "targetGroup", value: "Revalidering") }
        #expect(tally.mostFrequent.map(\.value) == ["IGU", "Revalidering", "Nyttejob"])
        #expect(tally.mostFrequent.map(\.rows) == [3, 2, 1])
        // A shifted column makes every value new: counting stops growing at the limit.
        for i in 0..<(2 * UnknownCode.Tally.distinctLimit) { tally.count("unknown_activity", field: "stage", value: "v\(i)") }
        #expect(tally.uncounted == 2 * UnknownCode.Tally.distinctLimit - (UnknownCode.Tally.distinctLimit - 3))
        #expect(tally.mostFrequent.count == UnknownCode.Tally.keptLimit)
        #expect(tally.mostFrequent.first?.value == "IGU")
    }
}
