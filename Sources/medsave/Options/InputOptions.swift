import ArgumentParser
import MedSaveCore

/// Dispensing files and how to read them; shared by every subcommand that reads dispensing data.
struct DispensingOptions: ParsableArguments {
    @Option(
        name: .customLong("dispensing"), parsing: .upToNextOption,
        help: ArgumentHelp("Dispensing files (.csv or .csv.gz), one or more.", valueName: "path"))
    var dispensing: [String] = []

    @Option(
        help: ArgumentHelp(
            "Read a known layout: epd (NHS English Prescribing Dataset) or ncso (OpenPrescribing's national concession volumes).",
            valueName: "name"))
    var preset: ColumnMapping.Preset?

    @Option(
        help: ArgumentHelp(
            "With --preset epd or ncso, the cost column: nic (net ingredient cost, default) or actual.",
            valueName: "column"))
    var cost: ColumnMapping.EPDCost = .nic

    @Option(
        name: .customLong("map"),
        help: ArgumentHelp(
            "Map a native column to a header in the file, e.g. product=Varunummer (repeatable).",
            valueName: "column=header"))
    var map: [String] = []

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Give every row this period or unit, for files without the column, e.g. unit=England (repeatable).",
            valueName: "column=value"))
    var set: [String] = []

    @Option(help: ArgumentHelp("Write every input problem to this CSV file.", valueName: "path"))
    var problems: String?

    @Option(
        help: ArgumentHelp(
            "Threads for reading and for the numeric core (default: every core; also OPENBLAS_NUM_THREADS for BLAS).",
            valueName: "n"))
    var threads: Int?

    @Flag(help: "Stop at the first input problem instead of setting the row aside.")
    var strict = false

    /// Each reading thread holds its own tables; beyond this many a run only exhausts memory.
    static let maximumThreads = 256

    @OptionGroup var locale: LocaleOptions

    func validate() throws {
        if dispensing.isEmpty { throw ValidationError("give at least one dispensing file with --dispensing") }
        if let threads, !(1...Self.maximumThreads).contains(threads) {
            throw ValidationError("--threads \(threads): expected 1 to \(Self.maximumThreads)")
        }
        _ = try locale.dialect()
        _ = try mapping()
    }

    func mapping() throws -> ColumnMapping {
        do {
            if let preset { return try ColumnMapping(preset: preset, cost: cost, assignments: map, constants: set) }
            return try ColumnMapping(assignments: map, constants: set)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// How to read the files, with organisations taken from `organisation`.
    func readOptions(organisation: OrganisationColumn) throws -> DispensingReadOptions {
        var options = DispensingReadOptions(
            dialect: try locale.dialect(), mapping: try mapping(), organisation: organisation, strict: strict)
        if let threads { options.threads = threads }
        return options
    }
}

/// Dispensing files with the catalogues that classify and price them; shared by `rank` and `estimate`.
struct InputOptions: ParsableArguments {
    @OptionGroup var files: DispensingOptions

    @OptionGroup var catalogues: CatalogueOptions
    var catalog: [String] { catalogues.catalog }

    @Option(
        help: ArgumentHelp(
            "Equivalence classes from the catalogue (default) or from BNF codes (bnf).", valueName: "source"))
    var groups: GroupSource = .catalog

    @Option(
        help: ArgumentHelp("With --groups bnf: a formulation-swaps CSV; rows marked Y join classes.", valueName: "path")
    )
    var swaps: String?

    @Option(
        name: .customLong("bnf-codes"),
        help: ArgumentHelp(
            "With --groups bnf: the NHSBSA BNF code table (zip or CSV) for product names.", valueName: "path"))
    var bnfCodes: String?

    @Option(
        help: ArgumentHelp(
            "The currency of the costs, named in outputs (default: GBP with --preset or --groups bnf, else SEK).",
            valueName: "code"))
    var currency: String?

    /// `--currency`, or the default of the data's country: English data is in pounds, Swedish in kronor.
    var resolvedCurrency: String {
        currency?.uppercased() ?? (files.preset != nil || groups == .bnf ? "GBP" : "SEK")
    }

    enum GroupSource: String, ExpressibleByArgument, CaseIterable {
        case catalog, bnf
    }

    var problems: String? { files.problems }

    func validate() throws {
        if catalog.isEmpty && groups == .catalog {
            throw ValidationError("give at least one catalogue with --catalog, or group by BNF code with --groups bnf")
        }
        if let currency, currency.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isLetter }) {
            throw ValidationError("--currency \(currency): expected a three-letter code such as SEK or GBP")
        }
        if groups == .catalog && (swaps != nil || bnfCodes != nil) {
            throw ValidationError("--swaps and --bnf-codes go with --groups bnf")
        }
    }

    /// The months of `--dispensing FOLDER` laid out by month (`period=YYYY-MM/`); nil when files are given.
    func monthShards() throws -> [MonthShard]? {
        let folders = try files.dispensing.filter { path throws(InputError) in try MonthShards.find(path) != nil }
        guard !folders.isEmpty else { return nil }
        guard files.dispensing.count == 1 else {
            throw ValidationError(
                "--dispensing \(folders[0]) is a folder: give one folder laid out by month (period=YYYY-MM/), or files")
        }
        return try MonthShards.find(folders[0])
    }

    /// The library-level configuration for organisations taken from `organisation`.
    func configuration(organisation: OrganisationColumn) throws -> InputConfiguration {
        InputConfiguration(
            dispensingPaths: files.dispensing, cataloguePaths: catalog,
            read: try files.readOptions(organisation: organisation),
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
    @Option(
        help: ArgumentHelp("Field delimiter: ',', ';' or tab (default: detected from the header).", valueName: "char"))
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
    @Option(
        help: ArgumentHelp(
            "Output format: table, csv, excel-csv, json or html (default: table on a terminal, otherwise csv, or as --output's extension).",
            valueName: "format"))
    var format: OutputFormat?

    @Option(help: ArgumentHelp("Write the result to this file instead of standard output.", valueName: "path"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Write the run manifest (inputs with SHA-256, options, versions, seed, output hashes) as JSON to this file.",
            valueName: "path"))
    var manifest: String?

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
extension RankLevel: ExpressibleByArgument {
    /// `unit`, `prescriber`, `area`, `region`, or `class` (also spelt `all`): one row per class.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "class", "all": self = .all
        default: self.init(rawValue: argument.lowercased())
        }
    }

    public static var allValueStrings: [String] { ["unit", "prescriber", "area", "region", "class"] }
}
extension ReportLocale: ExpressibleByArgument {}
