import ArgumentParser
import MedSaveCore

/// `medsave impact`: what moving from one price list to another costs at the dataset's volumes.
struct Impact: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cost change of moving from one price list to another at the dataset's volumes.",
        discussion: """
            When both lists name PVs (TLV's monthly lists), volume follows the new PV: each unit's class volume \
            keeps its premium over the PV, so a cell costs quantity × old price × new PV ÷ old PV; the change if \
            no one switched, Σ quantity × (unit price in --to-catalog − unit price in --from-catalog), is printed \
            beside it (--volume fixed gives only that). By product, ATC group, unit, area or month. Without --by period the figures are the monthly average over the months in \
            the window (one month: that month). A list with one period prices every month; a list with several \
            prices each month by its own period. Products missing from either list are set aside and reported.
            """)

    @OptionGroup var files: DispensingOptions

    @Option(
        name: .customLong("from-catalog"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "The current price list(s), any kind --catalog reads (prefix uk-tariff: for England).", valueName: "path"))
    var fromCatalog: [String] = []

    @Option(
        name: .customLong("to-catalog"), parsing: .upToNextOption,
        help: ArgumentHelp(
            "The new price list(s) (prefix uk-concession: for England's concessions).", valueName: "path"))
    var toCatalog: [String] = []

    @Option(
        help: ArgumentHelp(
            "Rows: product, atc1…atc5, bnf-chapter, bnf-section, unit, area, period (monthly series) or total.",
            valueName: "breakdown"))
    var by: Breakdown = .product

    @Option(
        help: ArgumentHelp(
            "Price every month at this period of --from-catalog (for a list of several months).", valueName: "YYYY-MM"))
    var fromPeriod: String?

    @Option(help: ArgumentHelp("Price every month at this period of --to-catalog.", valueName: "YYYY-MM"))
    var toPeriod: String?

    @Option(
        help: ArgumentHelp(
            "Months whose volumes are used: FROM..TO, FROM.., ..TO or one period (YYYY-MM).", valueName: "range"))
    var period: String?

    @Option(help: ArgumentHelp("With --by area: a CSV of unit,area.", valueName: "path"))
    var areas: String?

    @Option(
        help: ArgumentHelp(
            "Percent taken off both prices (England's national average discount; OpenPrescribing uses 7.2).",
            valueName: "percent"))
    var discount: Double = 0

    @Option(help: ArgumentHelp("Write the products one list does not price to this CSV file.", valueName: "path"))
    var unpriced: String?

    /// How volume moves between the lists.
    enum VolumeOption: String, ExpressibleByArgument, CaseIterable {
        case auto
        case followPV = "follow-pv"
        case fixed
    }

    @Option(
        help: ArgumentHelp(
            "Volume: follow-pv (each unit's class volume moves to the new PV, keeping its premium), fixed (no one "
                + "switches), or auto (follow-pv when both lists name PVs, as TLV's do; the default).",
            valueName: "mode"))
    var volume: VolumeOption = .auto

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if fromCatalog.isEmpty || toCatalog.isEmpty {
            throw ValidationError("give both price lists: --from-catalog PATH --to-catalog PATH")
        }
        guard discount.isFinite, (0..<100).contains(discount) else {
            throw ValidationError("--discount must be from 0 to under 100")
        }
        if by == .area && areas == nil { throw ValidationError("--by area needs --areas PATH (unit,area)") }
        _ = try periods()
        _ = try listPeriods()
    }

    /// `--from-period` and `--to-period`, parsed.
    func listPeriods() throws -> (from: Period?, to: Period?) {
        func parse(_ text: String?, _ option: String) throws -> Period? {
            guard let text else { return nil }
            guard let p = Period(text: text) else { throw ValidationError("--\(option) \(text): expected YYYY-MM") }
            return p
        }
        return (try parse(fromPeriod, "from-period"), try parse(toPeriod, "to-period"))
    }

    /// Stops when a chosen period is not in its list.
    static func check(_ period: Period?, in catalogue: Catalogue, option: String) throws {
        guard let period, !catalogue.periods.contains(period) else { return }
        let has = catalogue.periods.map(\.description)
        throw InputError(
            location: nil,
            message: "--\(option) \(period): the list has no such period; it has "
                + (has.isEmpty ? "no periods (its prices apply to every month)" : has.joined(separator: ", ")))
    }

    func periods() throws -> PeriodRange { try PeriodOption.range(period) }

    /// Every option with the value it took, for the manifest.
    var manifestOptions: [(name: String, value: String)] {
        [
            ("by", by.rawValue), ("from-period", fromPeriod ?? "each month's own"),
            ("to-period", toPeriod ?? "each month's own"),
            ("period", period ?? "every period"), ("areas", areas ?? "none"), ("discount", String(discount)),
            ("unpriced", unpriced ?? "none"), ("volume", volume.rawValue), ("format", output.resolvedFormat.rawValue),
        ]
    }

    func run() throws {
        var configuration = ImpactConfiguration(periods: try periods(), by: by, discount: discount / 100)
        configuration.followPV = volume == .auto ? nil : volume == .followPV
        (configuration.fromPeriod, configuration.toPeriod) = try listPeriods()
        try Runner.run(
            problemsPath: files.problems, threads: files.threads, output: output,
            load: {
                let (from, fromProblems) = try CatalogueLoader.load(fromCatalog, strict: files.strict)
                let (to, toProblems) = try CatalogueLoader.load(toCatalog, strict: files.strict)
                try Self.check(configuration.fromPeriod, in: from, option: "from-period")
                try Self.check(configuration.toPeriod, in: to, option: "to-period")
                let areaMap = try areas.map { try AreaMap.read(path: $0) }
                let data = try DispensingReader.read(
                    paths: files.dispensing, options: try files.readOptions(organisation: .unit),
                    progress: Progress.report)
                return ((from, to, data, areaMap), fromProblems + toProblems + data.problems)
            },
            manifest: { inputs in
                try RunManifest.make(
                    command: "impact", dispensing: inputs.2,
                    inputs: CatalogueOptions.inputs(fromCatalog, role: "from-catalog")
                        + CatalogueOptions.inputs(toCatalog, role: "to-catalog")
                        + (areas.map { [(role: "areas", path: $0)] } ?? []),
                    options: files.manifestOptions + manifestOptions)
            },
            { inputs in
                let (from, to, data, areaMap) = inputs
                var c = configuration
                c.areas = areaMap
                let result = PriceImpact.compute(data, from: from, to: to, configuration: c)
                let renderer = ImpactRenderer(
                    result, from: Self.label(fromCatalog, configuration.fromPeriod),
                    to: Self.label(toCatalog, configuration.toPeriod))
                if let unpriced { try OutputFile.write(renderer.unpricedCSV(), to: unpriced) }
                return (
                    renderer.render(output.resolvedFormat), renderer.summaryLines(), result.reconciliation.isBalanced
                )
            })
    }

    /// A list as headings name it: file names without folders, with the chosen period.
    static func label(_ specs: [String], _ period: Period?) -> String {
        specs.map { CatalogueSpec($0).label }.joined(separator: "+") + (period.map { " (\($0))" } ?? "")
    }
}

extension Breakdown: ExpressibleByArgument {}
