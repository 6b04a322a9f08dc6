#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import MedSaveCore

/// What every analysing subcommand does around its own computation: load inputs with progress, report
/// problems, write the result, print the reconciling summary, map errors to exit codes.
enum Runner {
    /// Runs `body`, turning an `InputError` into a diagnostic and exit code 1.
    static func reportingInputErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as InputError {
            Diagnostics.emit(error)
            throw ExitCode(1)
        }
    }

    /// Loads the inputs of `rank` and `estimate` and runs `compute` on them.
    static func run(
        input: InputOptions, organisation: OrganisationColumn, output out: OutputOptions,
        _ compute: (LoadedInputs) throws -> (text: String, summary: [String], balanced: Bool)
    ) throws {
        try run(
            problemsPath: input.problems, threads: input.files.threads, output: out,
            load: {
                let inputs = try LoadedInputs.load(
                    try input.configuration(organisation: organisation), progress: Progress.report)
                return (inputs, inputs.problems)
            }, compute)
    }

    /// Loads with `load` (showing progress), writes the problems it found, runs `compute`, writes its text
    /// to the output and its summary to standard error, and checks that the summary reconciles. `threads`
    /// (`--threads`) also bounds the numeric core's BLAS threads.
    static func run<Inputs>(
        problemsPath: String?, threads: Int?, output out: OutputOptions, load: () throws -> (Inputs, [InputProblem]),
        _ compute: (Inputs) throws -> (text: String, summary: [String], balanced: Bool)
    ) throws {
        signal(SIGPIPE, SIG_IGN)  // a closed pipe is handled where we write
        if let threads { BLAS.setThreads(threads) }
        do {
            let (inputs, problems) = try load()
            Progress.clear()
            if let path = problemsPath {
                try OutputFile.write(ProblemsRenderer.csv(problems), to: path)
            }
            Diagnostics.show(problems: problems, problemsFile: problemsPath)
            let (text, summary, balanced) = try compute(inputs)
            if let path = out.output {
                try OutputFile.write(text, to: path)
            } else {
                Terminal.write(text, to: .standardOutput)
            }
            for line in summary { Diagnostics.emit(.note, line) }
            if !balanced {
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
