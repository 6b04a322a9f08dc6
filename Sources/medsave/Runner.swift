import ArgumentParser
import MedSaveCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What every analysing subcommand does around its own computation: load inputs with progress, report
/// problems, write the result, print the reconciling summary, map errors to exit codes.
enum Runner {
    /// Runs `body`, turning an `InputError` into a diagnostic and exit code 1.
    static func reportingInputErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as InputError {
            Diagnostics.emit(error)
            throw ExitCode(1)
        }
    }

    /// What a subcommand's computation leaves to write: its main text (to `--output` or standard output), more
    /// files beside it, the summary lines, whether they reconcile, and what the manifest says about the run.
    struct Outcome {
        var text: String
        var summary: [String]
        var balanced: Bool
        var files: [(path: String, role: String, text: String)] = []
        var manifest: RunManifest?
        /// Input problems found while computing (in month shards, read one at a time), after those of loading.
        var problems: [InputProblem] = []
    }

    /// Loads the inputs of `rank` and `estimate` and runs `compute` on them.
    static func run(
        input: InputOptions, organisation: OrganisationColumn, output out: OutputOptions,
        manifest: ((LoadedInputs) throws -> RunManifest)? = nil,
        _ compute: (LoadedInputs) throws -> (text: String, summary: [String], balanced: Bool)
    ) throws {
        try run(
            problemsPath: input.problems, threads: input.files.threads, output: out,
            load: {
                let inputs = try LoadedInputs.load(
                    try input.configuration(organisation: organisation), progress: Progress.report)
                return (inputs, inputs.problems)
            }, manifest: manifest, compute)
    }

    /// `run` for a computation with one text output in `out`'s format.
    static func run<Inputs>(
        problemsPath: String?, threads: Int?, output out: OutputOptions, load: () throws -> (Inputs, [InputProblem]),
        manifest: ((Inputs) throws -> RunManifest)? = nil,
        _ compute: (Inputs) throws -> (text: String, summary: [String], balanced: Bool)
    ) throws {
        try run(
            problemsPath: problemsPath, threads: threads, output: out.output, manifestPath: out.manifest, load: load
        ) { inputs in
            let (text, summary, balanced) = try compute(inputs)
            // Hashing the inputs costs a pass over them: only when a manifest is asked for.
            return Outcome(
                text: text, summary: summary, balanced: balanced,
                manifest: out.manifest == nil ? nil : try manifest?(inputs))
        }
    }

    /// Loads with `load` (showing progress), writes the problems it found, runs `compute`, writes its text
    /// to `output` (standard output when nil) and its other files, its summary to standard error, and the
    /// manifest to `manifestPath` with the outputs' hashes and the time; then checks that the summary
    /// reconciles. `threads` (`--threads`) also bounds the numeric core's BLAS threads.
    static func run<Inputs>(
        problemsPath: String?, threads: Int?, output: String?, manifestPath: String?,
        load: () throws -> (Inputs, [InputProblem]), _ compute: (Inputs) throws -> Outcome
    ) throws {
        signal(SIGPIPE, SIG_IGN)  // a closed pipe is handled where we write
        if let threads { BLAS.setThreads(threads) }
        do {
            let (inputs, problems) = try load()
            Progress.clear()
            let problemsCSV = problemsPath == nil ? "" : ProblemsRenderer.csv(problems)
            if let path = problemsPath { try OutputFile.write(problemsCSV, to: path) }
            Diagnostics.show(problems: problems, problemsFile: problemsPath)
            let outcome = try compute(inputs)
            Progress.clear()
            if !outcome.problems.isEmpty {
                if let path = problemsPath {
                    try OutputFile.write(ProblemsRenderer.csv(problems + outcome.problems), to: path)
                }
                Diagnostics.show(problems: outcome.problems, problemsFile: problemsPath)
            }
            for path in [output, manifestPath].compactMap({ $0 }) + outcome.files.map(\.path) {
                try OutputFile.refuseInput(path)
            }
            // The main output and its companions (a report's Markdown) are written as one: all new or all old.
            let companions = outcome.files.map { (text: $0.text, path: $0.path) }
            if let path = output {
                try OutputFile.write([(outcome.text, path)] + companions)
            } else {
                Terminal.write(outcome.text, to: .standardOutput)
                try OutputFile.write(companions)
            }
            if let manifestPath, var manifest = outcome.manifest {
                manifest.outputs.append(
                    .describe(text: outcome.text, path: output ?? "-", role: output == nil ? "stdout" : "output"))
                for file in outcome.files {
                    manifest.outputs.append(.describe(text: file.text, path: file.path, role: file.role))
                }
                if let path = problemsPath {
                    manifest.outputs.append(
                        .describe(
                            text: outcome.problems.isEmpty
                                ? problemsCSV : ProblemsRenderer.csv(problems + outcome.problems),
                            path: path, role: "problems"))
                }
                manifest.createdAt = RunManifest.now()
                try OutputFile.write(manifest.json(), to: manifestPath)
            }
            for line in outcome.summary {
                if line.hasPrefix("warning: ") {
                    Diagnostics.emit(.warning, String(line.dropFirst("warning: ".count)))
                } else {
                    Diagnostics.emit(.note, line)
                }
            }
            if !outcome.balanced {
                Diagnostics.emit(.error, "internal error: the summary does not reconcile; please report this")
                throw ExitCode(70)
            }
        } catch let error as InputError {
            Progress.clear()
            Diagnostics.emit(error)
            throw ExitCode(1)
        }
    }
}
