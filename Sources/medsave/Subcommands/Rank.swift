import ArgumentParser
import Foundation
import MedSaveCore

/// `medsave rank`: where switching to a cheaper interchangeable product would save, ranked by saving.
struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank where switching to a cheaper interchangeable product would save money.",
        discussion: """
            Saving per organisation, class and month is max(0, C − Q·T), where T is the target price per unit; \
            without --by-period the monthly savings are summed over the window. The summary on standard error \
            reconciles rows and cost read with those used and set aside.
            """)

    @OptionGroup var input: InputOptions

    @OptionGroup var options: RankOptions

    @Flag(
        help: "Write every row of every month exactly, as JSON lines, for 'medsave merge' (instead of the ranking).")
    var partial = false

    func validate() throws {
        let configuration = try options.rankConfiguration()
        try OptionValues.checkTarget(configuration.target, groups: input.groups, peers: options.peers != nil)
    }

    /// The partials as text (one JSON line each), with a summary of what they hold.
    func partials(_ partials: [RankPartial]) -> (text: String, summary: [String], balanced: Bool) {
        let rows = partials.reduce(0) { $0 + $1.rowsRead }
        return (
            PartialWriter.jsonLines(partials),
            [
                "partial: \(partials.count) months (\(partials.first.map { "\($0.month)" } ?? "none")..\(partials.last.map { "\($0.month)" } ?? "none")), \(rows) rows read; merge them with medsave merge"
            ],
            true
        )
    }

    func run() throws {
        let configuration = try options.rankConfiguration()
        if let shards = try Runner.reportingInputErrors({ try input.monthShards() }) {
            try run(months: shards, configuration)
            return
        }
        try Runner.run(
            input: input, organisation: configuration.level.organisationColumn, output: options.output,
            manifest: { inputs in
                try RunManifest.make(
                    command: "rank", input: input, inputs: inputs, more: options.manifestInputs,
                    options: options.manifestOptions + [("partial", String(partial))])
            }
        ) { inputs in
            let configuration = try options.loaded(configuration, threads: input.files.threads)
            if partial {
                return try partials(
                    Ranking.partials(inputs.dispensing, classifier: inputs.classifier, configuration: configuration))
            }
            return options.rendered(
                try Ranking.rank(inputs.dispensing, classifier: inputs.classifier, configuration: configuration),
                currency: input.resolvedCurrency)
        }
    }

    /// Ranks a folder laid out by month one month at a time (`Ranking.rank(months:)`): the catalogues are
    /// loaded first, each month's files are read when its turn comes, and their problems are reported after.
    func run(months shards: [MonthShard], _ configuration: RankConfiguration) throws {
        guard !partial else {
            throw ValidationError("--partial takes files: a folder of months is ranked as it is")
        }
        let inputConfiguration = try input.configuration(organisation: configuration.level.organisationColumn)
        var catalogueOnly = inputConfiguration
        catalogueOnly.dispensingPaths = []
        let problems = ProblemList()
        try Runner.run(
            problemsPath: input.problems, threads: input.files.threads, output: options.output.output,
            manifestPath: options.output.manifest,
            load: {
                let inputs = try LoadedInputs.load(catalogueOnly, progress: Progress.report)
                return (inputs, inputs.problems)
            }
        ) { inputs in
            let readOptions = inputConfiguration.read
            let months = shards.map { shard in
                { @Sendable in
                    let month = try MonthShards.read(shard, options: readOptions, progress: Progress.report)
                    problems.add(month.problems)
                    return month
                }
            }
            let (text, summary, balanced) = options.rendered(
                try Ranking.rank(
                    months: months, classifier: inputs.classifier,
                    configuration: try options.loaded(configuration, threads: input.files.threads)),
                currency: input.resolvedCurrency)
            var manifest: RunManifest?
            if options.output.manifest != nil {
                manifest = try RunManifest.make(
                    command: "rank", dispensing: nil,
                    inputs: shards.flatMap { $0.files.map { (role: "dispensing", path: $0) } } + input.otherInputs
                        + options.manifestInputs,
                    options: input.manifestOptions + options.manifestOptions)
            }
            return Runner.Outcome(
                text: text, summary: summary, balanced: balanced, manifest: manifest, problems: problems.found)
        }
    }
}

/// Problems collected while months are read one at a time (each read on the thread that reads it,
/// `Ranking.rank(months:)`).
private final class ProblemList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [InputProblem] = []

    func add(_ problems: [InputProblem]) {
        lock.lock()
        list += problems
        lock.unlock()
    }

    var found: [InputProblem] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}
