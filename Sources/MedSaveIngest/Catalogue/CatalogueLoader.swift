import Foundation
import MedSaveModel

/// The kinds of catalogue file medsave reads.
public enum CatalogueKind: String, Sendable, CaseIterable {
    /// medsave's native CSV schema (datasets/README.md).
    case native
    /// TLV's monthly "Periodens varor" list, xlsx as published or CSV.
    case tlv
    /// TLV's price list of subsidised medicines (MEDPrice), xlsx or CSV.
    case tlvPrices = "tlv-prices"
    /// England: the Drug Tariff prices of a price-concession table (OpenPrescribing's pc_df.csv or ncso_df.csv).
    case ukTariff = "uk-tariff"
    /// England: the concession prices of the same tables.
    case ukConcession = "uk-concession"
}

/// Loads catalogues of every kind into one `Catalogue`.
///
/// A path may carry its kind as a prefix (`tlv:lists/2602.xlsx`, `tlv-prices:MEDPrice.xlsx`, `native:c.csv`,
/// `uk-tariff:pc_df.csv`, `uk-concession:pc_df.csv`);
/// otherwise the kind is detected from the header. Price lists are joined on varunummer: they give ATC codes
/// (and names, when missing) to the products of the other lists, and their products that no other list has
/// are added for every period, outside any equivalence class.
public enum CatalogueLoader {
    public static func load(_ specs: [String], strict: Bool = false) throws(InputError) -> (
        catalogue: Catalogue, problems: [InputProblem]
    ) {
        // The entries of the lists in order, each with its line, and where each file's entries end: a location
        // is made only for the rare entry that needs one (hundreds of thousands would each hold the path).
        var located: [CatalogueEntry] = []
        var lines: [Int] = []
        var files: [(path: String, end: Int)] = []
        func take(_ entries: [CatalogueEntry], lines entryLines: [Int], of path: String) {
            if located.isEmpty { located = entries } else { located += entries }
            lines += entryLines
            files.append((path, located.count))
        }
        func location(_ k: Int) -> SourceLocation {
            SourceLocation(file: files.first { k < $0.end }!.path, line: lines[k], column: 1)
        }
        var prices: [String: CatalogueEntry] = [:]
        var problems: [InputProblem] = []
        var fileOrder: [String: Int] = [:]
        var catalogue = Catalogue()
        // A product listed again for a period: TLV lists a varunummer once per NPL pack id, the same product,
        // class and price, merged quietly; any other repeat is a problem (the first row is kept).
        func refused(_ e: CatalogueEntry, at location: @autoclosure () -> SourceLocation) throws(InputError) {
            let first = catalogue.entry(product: e.product, exactPeriod: e.period)!
            catalogue.repeatedRows[e.period, default: 0] += 1
            if first.equivalenceClass == e.equivalenceClass && first.unitPrice == e.unitPrice { return }
            let problem = InputProblem(
                location: location(),
                message: "product \(e.product) appears again for period \(e.period?.description ?? "(all)") with "
                    + "another class or price; the first row is kept")
            if strict { throw InputError(problem: problem) }
            problems.append(problem)
        }
        var kinds: [(CatalogueKind, String)] = []
        for spec in specs {
            let catalogueFile = CatalogueSpec(spec).path
            if let type = (try? FileManager.default.attributesOfItem(atPath: catalogueFile))?[.type]
                as? FileAttributeType, type != .typeRegular, type != .typeSymbolicLink
            {
                throw InputError(
                    location: nil,
                    message:
                        "\(catalogueFile): not a regular file (a pipe or a device); a catalogue is read more than once",
                    hint: "save it to a file first")
            }
            kinds.append(try split(spec))
        }
        // Native lists are filed into the catalogue as they are read, with no list of their entries made, while
        // nothing waits to be added before them and no price list is to be joined to them.
        let joinsPrices = kinds.contains { $0.0 == .tlvPrices }
        var filedRefused: [(entry: CatalogueEntry, location: SourceLocation)] = []
        for (kind, path) in kinds {
            fileOrder[path] = fileOrder[path] ?? fileOrder.count
            var fileProblems: [InputProblem]
            switch kind {
            case .native where located.isEmpty && !joinsPrices:
                let filed = try CatalogueReader.file(path: path, strict: strict, into: &catalogue)
                fileProblems = filed.problems
                filedRefused += filed.refused.map { ($0.entry, SourceLocation(file: path, line: $0.line, column: 1)) }
            case .native:
                let read = try CatalogueReader.entries(path: path, strict: strict)
                take(read.entries, lines: read.lines, of: path)
                fileProblems = read.problems
            case .tlv:
                let read = try PeriodensVarorReader.read(path: path)
                take(read.entries, lines: read.lines, of: path)
                fileProblems = read.problems
            case .ukTariff, .ukConcession:
                let read = try ConcessionPriceReader.read(path: path, side: kind == .ukTariff ? .tariff : .concession)
                take(read.entries, lines: read.lines, of: path)
                fileProblems = read.problems
            case .tlvPrices:
                let read = try PriceListReader.read(path: path)
                for e in read.entries where prices[e.product] == nil { prices[e.product] = e }
                fileProblems = read.problems
            }
            if strict, let first = fileProblems.first { throw InputError(problem: first) }
            problems += fileProblems
        }
        if !prices.isEmpty {
            for k in located.indices {
                guard let listed = prices[located[k].product] else { continue }
                if located[k].atc.isEmpty { located[k].atc = listed.atc }
                if located[k].name.isEmpty { located[k].name = listed.name }
            }
        }
        for (entry, location) in filedRefused { try refused(entry, at: location) }
        for k in catalogue.add(contentsOf: located) { try refused(located[k], at: location(k)) }
        // Problems in the order of the files given, then by line, as a reader would look for them.
        problems = problems.enumerated().sorted { a, b in
            let fa = fileOrder[a.element.location.file] ?? 0, fb = fileOrder[b.element.location.file] ?? 0
            return (fa, a.element.location.line, a.offset) < (fb, b.element.location.line, b.offset)
        }.map(\.element)
        if !prices.isEmpty {
            let known = Set(located.map(\.product))
            located = []  // the catalogue's entries alone, so that adding to them copies none
            for product in prices.keys.sorted() where !known.contains(product) { catalogue.add(prices[product]!) }
        }
        return (catalogue, problems)
    }

    /// About how long reading `specs` takes, in bytes of dispensing data read in the same time: catalogue rows
    /// carry more text per byte (an xlsx file more still, compressed). Only to balance work between threads.
    /// Three times a CSV list's size: with four, the thread that also reads the catalogue finished its part of the
    /// benchmark's dispensing files first in every regional run (by 0.02-0.03 s of 0.25) and in three national
    /// runs of four (by 0.1-0.5 s of 2); with three the regional parts end within 0.02 s and either national part
    /// ends first (by 0.05-0.36 s: each thread's speed varies that much from run to run).
    public static func readingCost(_ specs: [String]) -> Int {
        specs.reduce(0) { total, spec in
            // Sized by stat, never by opening: opening a FIFO would wait for a writer.
            let path = CatalogueSpec(spec).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular, let size = attributes[.size] as? Int
            else { return total }
            return total + size * (path.lowercased().hasSuffix(".xlsx") ? 40 : 3)
        }
    }

    /// The kind and path of a `--catalog` argument, the kind detected from the file when not given.
    static func split(_ argument: String) throws(InputError) -> (CatalogueKind, String) {
        let spec = CatalogueSpec(argument)
        if let kind = spec.kind { return (kind, spec.path) }
        return (try detect(path: spec.path), spec.path)
    }

    /// Detects a file's kind from its header: TLV's column names, or else the native schema.
    static func detect(path: String) throws(InputError) -> CatalogueKind {
        if path.lowercased().hasSuffix(".xlsx") {
            let table = try TextTable.xlsx(path: path)
            if table.header(containing: PriceListReader.required) != nil { return .tlvPrices }
            return .tlv
        }
        let source = try openByteSource(path: path)
        var head: [UInt8] = []
        while head.count < 4096, try source.read(into: &head, maxCount: 4096) > 0 {}
        let text = String(decoding: head, as: UTF8.self)
        if text.contains("Utbytesgrupps ID") { return .tlv }
        if text.contains("AUP per st") { return .tlvPrices }
        if ConcessionPriceReader.recognises(text) {
            throw InputError(
                location: SourceLocation(file: path, line: 1, column: 1),
                message: "a price-concession table holds two price lists",
                hint: "say which with uk-tariff:\(path) or uk-concession:\(path)")
        }
        return .native
    }
}
