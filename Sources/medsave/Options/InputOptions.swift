import ArgumentParser
import MedSaveCore

/// Input files and how to read them; shared by every subcommand that analyses dispensing data.
struct InputOptions: ParsableArguments {
    @Option(
        name: .customLong("dispensing"), parsing: .upToNextOption,
        help: ArgumentHelp("Dispensing files (.csv or .csv.gz), one or more.", valueName: "path"))
    var dispensing: [String] = []

    @OptionGroup var catalogues: CatalogueOptions
    var catalog: [String] { catalogues.catalog }

    @Option(help: ArgumentHelp("Read a known layout: epd (NHS English Prescribing Dataset).", valueName: "name"))
    var preset: ColumnMapping.Preset?

    @Option(help: ArgumentHelp("With --preset epd, the cost column: nic (net ingredient cost, default) or actual.", valueName: "column"))
    var cost: ColumnMapping.EPDCost = .nic

    @Option(help: ArgumentHelp("Equivalence classes from the catalogue (default) or from BNF codes (bnf).", valueName: "source"))
    var groups: GroupSource = .catalog

    @Option(help: ArgumentHelp("With --groups bnf: a formulation-swaps CSV; rows marked Y join classes.", valueName: "path"))
    var swaps: String?

    @Option(
        name: .customLong("bnf-codes"),
        help: ArgumentHelp("With --groups bnf: the NHSBSA BNF code table (zip or CSV) for product names.", valueName: "path"))
    var bnfCodes: String?

    enum GroupSource: String, ExpressibleByArgument, CaseIterable {
        case catalog, bnf
    }

    @Option(
        name: .customLong("map"),
        help: ArgumentHelp(
            "Map a native column to a header in the file, e.g. product=Varunummer (repeatable).", valueName: "column=header"))
    var map: [String] = []

    @Option(help: ArgumentHelp("Write every input problem to this CSV file.", valueName: "path"))
    var problems: String?

    @Flag(help: "Stop at the first input problem instead of setting the row aside.")
    var strict = false

    @OptionGroup var locale: LocaleOptions

    func validate() throws {
        if dispensing.isEmpty { throw ValidationError("give at least one dispensing file with --dispensing") }
        if catalog.isEmpty && groups == .catalog {
            throw ValidationError("give at least one catalogue with --catalog, or group by BNF code with --groups bnf")
        }
        if groups == .catalog && (swaps != nil || bnfCodes != nil) {
            throw ValidationError("--swaps and --bnf-codes go with --groups bnf")
        }
        _ = try locale.dialect()
        _ = try mapping()
    }

    func mapping() throws -> ColumnMapping {
        do {
            if let preset { return try ColumnMapping(preset: preset, cost: cost, assignments: map) }
            return try ColumnMapping(assignments: map)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// The library-level configuration for organisations taken from `organisation`.
    func configuration(organisation: OrganisationColumn) throws -> InputConfiguration {
        InputConfiguration(
            dispensingPaths: dispensing, cataloguePaths: catalog,
            read: DispensingReadOptions(
                dialect: try locale.dialect(), mapping: try mapping(), organisation: organisation, strict: strict),
            grouping: groups == .bnf ? .bnf(swaps: swaps, codes: bnfCodes) : .catalogue)
    }
}

/// Catalogue files of any kind; shared by `rank` and `catalog stats`.
struct CatalogueOptions: ParsableArguments {
    @Option(
        name: .customLong("catalog"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "Catalogues: native CSV, TLV Periodens varor (xlsx or CSV), TLV price list; kind detected, or prefix tlv:, tlv-prices: or native:.",
            valueName: "path"))
    var catalog: [String] = []
}

/// How numbers and text are written in the input files.
struct LocaleOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter: ',', ';' or tab (default: detected from the header).", valueName: "char"))
    var delimiter: String?

    @Flag(help: "Numbers use a decimal comma (12,50), as Swedish Excel writes them.")
    var decimalComma = false

    @Option(help: ArgumentHelp("Text encoding: utf-8 (default; a BOM is allowed) or windows-1252.", valueName: "name"))
    var encoding = "utf-8"

    func dialect() throws -> CSVDialect {
        var delimiterByte: UInt8?
        if let delimiter {
            guard let d = CSVDialect.delimiter(named: delimiter) else {
                throw ValidationError("--delimiter \(delimiter): expected ',', ';' or tab")
            }
            delimiterByte = d
        }
        guard let enc = TextEncoding(name: encoding) else {
            throw ValidationError("--encoding \(encoding): expected utf-8 or windows-1252")
        }
        return CSVDialect(delimiter: delimiterByte, decimalComma: decimalComma, encoding: enc)
    }
}

/// Where and how results are written.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Output format: table, csv, excel-csv, json or html (default: table on a terminal, otherwise csv, or as --output's extension).",
        valueName: "format"))
    var format: OutputFormat?

    @Option(help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "path"))
    var output: String?

    /// The format to use: as given, else from the output file's extension, else table on a terminal, else CSV.
    var resolvedFormat: OutputFormat {
        if let format { return format }
        if let output {
            if output.hasSuffix(".json") { return .json }
            if output.hasSuffix(".html") || output.hasSuffix(".htm") { return .html }
            return .csv
        }
        return Terminal.isTerminal(.standardOutput) ? .table : .csv
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension ColumnMapping.Preset: ExpressibleByArgument {}
extension ColumnMapping.EPDCost: ExpressibleByArgument {}
extension RankLevel: ExpressibleByArgument {}
