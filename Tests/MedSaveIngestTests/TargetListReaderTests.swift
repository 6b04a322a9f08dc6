import MedSaveIngest
import MedSaveModel
import MedSaveTestSupport
import Testing

@Suite("Target lists (--target list:FILE)")
struct TargetListReaderTests {
    func read(_ text: String) throws -> TargetList {
        try TargetList.read(path: Fixtures.write(text, named: "targets.csv"))
    }

    func failure(_ text: String) -> InputError? {
        do {
            _ = try read(text)
            return nil
        } catch {
            return error as? InputError
        }
    }

    @Test func pricesByClassAndMonthWithAndWithoutProducts() throws {
        let list = try read(
            "class;unit_price;period;product\n111026/T23;0,25;;836811\nG/T1;1.20;2025-01..2025-06;\nG/T1;1.10;2025-07..;P9\n"
        )
        let hydro = EquivalenceClass(group: "111026", sizeGroup: "T23"),
            g = EquivalenceClass(group: "G", sizeGroup: "T1")
        #expect(list.price(of: hydro, in: Period(year: 2030, month: 4))?.unitPrice == 0.25)
        #expect(list.price(of: hydro, in: Period(year: 2030, month: 4))?.product == "836811")
        #expect(list.price(of: g, in: Period(year: 2025, month: 6))?.unitPrice == 1.20)
        #expect(list.price(of: g, in: Period(year: 2025, month: 7))?.product == "P9")
        #expect(list.price(of: g, in: Period(year: 2024, month: 12)) == nil, "no line covers 2024")
        #expect(list.price(of: EquivalenceClass(group: "X"), in: Period(year: 2025, month: 1)) == nil)
    }

    @Test func badLinesNameTheirPlace() throws {
        let header = "class,unit_price,period\n"
        let cases: [(String, Int, Int, String)] = [
            (header + "G/T1,inf,\n", 2, 2, "not a price per unit"),
            (header + "G/T1,0x1p1,\n", 2, 2, "not a price per unit"),
            (header + "G/T1,-1,\n", 2, 2, "negative price"),
            (header + ",1,\n", 2, 1, "missing value"),
            (header + "G/T1,1,2025-13\n", 2, 3, "is not a month"),
            (header + "G/T1,1,2025\nG/T1,2,2025-06..2026-01\n", 3, 3, "already has a price for these months at line 2"),
            (header + "G/T1,1,\nG/T1,2,2025-06\n", 3, 3, "already has a price"),
        ]
        for (text, line, column, message) in cases {
            let error = try #require(failure(text), "\(text)")
            #expect(error.location?.line == line && error.location?.column == column, "\(text): \(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
        #expect(failure("product,price\nA,1\n")?.message.contains("not a target list") == true)
        #expect(failure("class,unit_price\n")?.message.contains("names no class") == true)
        _ = try read(header + "G/T1,1,..2025-05\nG/T1,2,2025-06..\n")  // adjacent ranges do not overlap
    }
}
