import MedSaveCore
import Testing

@Suite("Periods and windows")
struct PeriodTests {
    @Test func impossibleDatesAreNotPeriods() {
        #expect(Period(text: "2025-02-30") == nil)
        #expect(Period(text: "2025-02-29") == nil)
        #expect(Period(text: "2024-02-29")?.description == "2024-02")
        #expect(Period(text: "1900-02-29") == nil && Period(text: "2000-02-29") != nil)
        #expect(Period(text: "2025-04-31") == nil && Period(text: "2025-05-31") != nil)
        #expect(Period(text: "2025-13-01") == nil && Period(text: "2025-00-10") == nil)
    }

    @Test func aYearIsItsTwelveMonths() {
        #expect(PeriodRange(text: "2025") == PeriodRange(text: "2025-01..2025-12"))
        #expect(PeriodRange(text: "2024..2025") == PeriodRange(text: "2024-01..2025-12"))
        #expect(PeriodRange(text: "2025..")?.from == Period(year: 2025, month: 1))
        #expect(PeriodRange(text: "..2025")?.to == Period(year: 2025, month: 12))
        #expect(PeriodRange(text: "2025-03..2025")?.to == Period(year: 2025, month: 12))
        #expect(PeriodRange(text: "2026..2025") == nil && PeriodRange(text: "20255") == nil)
    }
}
