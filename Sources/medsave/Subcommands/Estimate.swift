import ArgumentParser
import MedSaveCore

/// `medsave estimate`: the saving a budget year can expect, by scenario, with intervals and disclosure control.
struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Project the saving over a budget year, by scenario, with bootstrap intervals.",
        discussion: """
            Monthly substitutable volumes per class are fitted by least squares (linear trend, --seasonal adds \
            month-of-year terms; the mean month with under 6 months of history) and projected over --budget-year. \
            The behaviour model carries each unit's premium over the target forward: the saving of a scenario is \
            uptake × Σ projected volume × budget-year target × (r − 1)⁺, r = Σ cost / Σ quantity × target over the \
            last --behaviour-window months, each at its own list. Rows based \
            on fewer than --suppress-below distinct patients are suppressed, with secondary suppression so that \
            no suppressed value can be recovered from the total.
            """)

    @OptionGroup var input: InputOptions

    @Option(help: ArgumentHelp("The year to project the saving over.", valueName: "YYYY"))
    var budgetYear: Int

    @Flag(help: "Add month-of-year terms to the linear trend (needs 12 months of history).")
    var seasonal = false

    @Option(
        help: ArgumentHelp(
            "Months of history to fit: FROM..TO, FROM.., ..TO or one period (YYYY-MM).", valueName: "range"))
    var period: String?

    @Option(
        help: ArgumentHelp(
            "Catalogue period whose prices and classes apply to the budget year (default: the latest).",
            valueName: "YYYY-MM"))
    var pricePeriod: String?

    @Option(
        help: ArgumentHelp(
            "Target rules, comma-separated: pv, cheapest, median, pNN (percentile of organisations' projected PPU).",
            valueName: "rules"))
    var target = "pv"

    @Option(
        help: ArgumentHelp("Shares of the opportunity realised, comma-separated, each in 0…1.", valueName: "fractions"))
    var uptake = "1"

    @Option(help: ArgumentHelp("Rows: total, atc1…atc5, product, unit or area.", valueName: "breakdown"))
    var by: Breakdown = .total

    @Option(help: ArgumentHelp("With --by area: a CSV of unit,area.", valueName: "path"))
    var areas: String?

    @Option(help: ArgumentHelp("Bootstrap replicates for the 95% interval; 0 for none.", valueName: "n"))
    var bootstrap = 1000

    @Option(help: ArgumentHelp("Seed of the bootstrap's resampling.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("What the bootstrap resamples: units, patients or prescribers.", valueName: "clusters"))
    var resample: ResampleUnit = .units

    @Option(
        help: ArgumentHelp(
            "Suppress rows based on fewer distinct patients than this (when the data has patient ids); 0 for none.",
            valueName: "n"))
    var suppressBelow = 5

    @Option(help: ArgumentHelp("Fit the volumes of each class (default) or of each product.", valueName: "grain"))
    var fit: FitGrain = .class

    @Option(
        help: ArgumentHelp(
            "What is carried forward: behaviour (each unit's premium over the target; default) or product-mix "
                + "(last year's products at the new list, for data where nothing is substituted automatically).",
            valueName: "model"))
    var model: EstimateModel = .behaviour

    @Option(
        help: ArgumentHelp(
            "Months at the end of the history whose premium over the target is carried forward.", valueName: "n"))
    var behaviourWindow = 6

    @Option(
        help: ArgumentHelp(
            "Volumes: auto (a trend with 6 or more months of history, else the mean month), level or trend.",
            valueName: "model"))
    var volumeModel: VolumeModel = .auto

    @OptionGroup var safety: SafetyOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValues.refuseList(try estimateConfiguration().targets, command: "estimate")
        if input.groups == .bnf {
            throw ValidationError(
                "estimate prices the budget year with catalogue prices; give --catalog, not --groups bnf")
        }
        if by == .area && areas == nil { throw ValidationError("--by area needs --areas PATH (unit,area)") }
    }

    /// The options as a library-level configuration (areas are read later, with the other inputs).
    func estimateConfiguration() throws -> EstimateConfiguration {
        try OptionValues.checkEstimate(budgetYear: budgetYear, bootstrap: bootstrap, suppressBelow: suppressBelow)
        var c = EstimateConfiguration(budgetYear: budgetYear)
        c.seasonal = seasonal
        c.grain = fit
        c.model = model
        guard (1...120).contains(behaviourWindow) else {
            throw ValidationError("--behaviour-window \(behaviourWindow): expected 1 to 120 months")
        }
        c.behaviourWindow = behaviourWindow
        c.volumeModel = volumeModel
        if model == .behaviour && by == .product {
            throw ValidationError(
                "--by product: under the behaviour model volumes follow the class, not the product; "
                    + "use --by atc5, or --model product-mix")
        }
        c.periods = try PeriodOption.range(period)
        if let pricePeriod {
            guard let p = Period(text: pricePeriod) else {
                throw ValidationError("--price-period \(pricePeriod): expected YYYY-MM")
            }
            c.pricePeriod = p
        }
        c.targets = try OptionValues.list(target, option: "target", OptionValues.target)
        c.uptakes = try OptionValues.uptakes(uptake)
        guard [.total, .product, .atc1, .atc2, .atc3, .atc4, .atc5, .unit, .area].contains(by) else {
            throw ValidationError(
                "--by \(by.rawValue): estimate breaks down by total, atc1…atc5, product, unit or area")
        }
        c.by = by
        c.bootstrap = bootstrap
        c.seed = seed
        c.resample = resample
        c.suppressBelow = suppressBelow
        return c
    }

    /// Every option with the value it took, for the manifest.
    var manifestOptions: [(name: String, value: String)] {
        [
            ("budget-year", String(budgetYear)), ("seasonal", String(seasonal)), ("fit", fit.rawValue),
            ("model", model.rawValue), ("behaviour-window", String(behaviourWindow)),
            ("volume-model", volumeModel.rawValue),
            ("period", period ?? "every period"), ("price-period", pricePeriod ?? "latest in the catalogue"),
            ("target", target), ("uptake", uptake), ("by", by.rawValue), ("areas", areas ?? "none"),
            ("bootstrap", String(bootstrap)), ("seed", String(seed)), ("resample", resample.rawValue),
            ("suppress-below", String(suppressBelow)), ("rules", safety.path ?? "shipped"),
            ("format", output.resolvedFormat.rawValue),
        ]
    }

    func run() throws {
        var configuration = try estimateConfiguration()
        var inputConfiguration = try input.configuration(organisation: .unit)
        switch resample {
        case .units: break
        case .patients: inputConfiguration.read.cluster = .patient
        case .prescribers: inputConfiguration.read.cluster = .prescriber
        }
        try Runner.run(
            problemsPath: input.problems, threads: input.files.threads, output: output,
            load: {
                let inputs = try LoadedInputs.load(inputConfiguration, progress: Progress.report)
                try Self.checkClusters(resample, inputs.dispensing)
                if let p = configuration.pricePeriod, !inputs.catalogue.periods.contains(p) {
                    throw InputError(
                        location: nil,
                        message: "--price-period \(p): the catalogue has no such period; it has "
                            + inputs.catalogue.periods.map(\.description).joined(separator: ", "))
                }
                configuration.areas = try areas.map { try AreaMap.read(path: $0) }
                configuration.rules = try safety.rules()
                return (inputs, inputs.problems)
            },
            manifest: { inputs in
                try RunManifest.make(
                    command: "estimate", input: input, inputs: inputs,
                    more: safety.manifestInputs + (areas.map { [(role: "areas", path: $0)] } ?? []),
                    options: manifestOptions, seed: bootstrap > 0 ? seed : nil)
            },
            { (inputs: LoadedInputs) in
                let result: EstimateResult
                do {
                    result = try BudgetEstimate.compute(
                        inputs.dispensing, catalogue: inputs.catalogue, configuration: configuration)
                } catch let error as EstimateError {
                    throw InputError(location: nil, message: error.description)
                }
                let renderer = EstimateRenderer(result)
                return (
                    renderer.render(output.resolvedFormat), renderer.summaryLines(), result.reconciliation.isBalanced
                )
            })
    }

    /// Resampling patients or prescribers needs the column in the data.
    static func checkClusters(_ resample: ResampleUnit, _ data: DispensingAggregate) throws {
        switch resample {
        case .patients where !data.hasPatients:
            throw InputError(location: nil, message: "--resample patients: the dispensing files have no patient column")
        case .prescribers where !data.hasPrescribers:
            throw InputError(
                location: nil, message: "--resample prescribers: the dispensing files have no prescriber column")
        default: break
        }
    }
}

extension ResampleUnit: ExpressibleByArgument {}
extension FitGrain: ExpressibleByArgument {}
extension EstimateModel: ExpressibleByArgument {}
extension VolumeModel: ExpressibleByArgument {}
