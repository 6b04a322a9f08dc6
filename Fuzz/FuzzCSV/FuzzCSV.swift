import FuzzDriver
import MedSaveCore

/// libFuzzer entry: the input is a dispensing file; its first byte picks the dialect (delimiter, decimal mark,
/// encoding, strictness) so every reading path is exercised. Whatever the bytes, reading must end with an
/// aggregate or an `InputError`, and ranking what was read must balance its books.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = bytes[0]
    let delimiters: [UInt8?] = [nil, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
    var options = DispensingReadOptions(
        dialect: CSVDialect(
            delimiter: delimiters[Int(mode & 3)], decimalComma: mode & 4 != 0,
            encoding: mode & 8 != 0 ? .windows1252 : .utf8),
        strict: mode & 16 != 0)
    options.chunkSize = mode & 32 != 0 ? 7 : 1 << 16
    guard
        let aggregate = try? DispensingReader.read(bytes: Array(bytes.dropFirst()), path: "fuzz.csv", options: options)
    else {
        return 0
    }
    var catalogue = Catalogue()
    for (i, product) in aggregate.products.prefix(8).enumerated() {
        catalogue.add(
            CatalogueEntry(
                period: nil, product: product, unitPrice: Double(i) * 0.5,
                equivalenceClass: EquivalenceClass(group: "G\(i % 2)"),
                status: i == 0 ? .pv : .none))
    }
    for target in [TargetRule.pv, .percentile(10)] {
        guard
            let result = try? Ranking.rank(
                aggregate, catalogue: catalogue, configuration: RankConfiguration(target: target))
        else {
            fatalError("ranking threw on a readable aggregate")
        }
        if !result.reconciliation.isBalanced { fatalError("the books do not balance") }
        _ = RankRenderer(result).render(.json)
    }
    return 0
}

// SwiftPM links an executable target's entry as `FuzzCSV_main`; hand it to libFuzzer's driver.
@_cdecl("FuzzCSV_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzCSV(data, size) }
}
