import Foundation
import MedSaveCore

/// The manifest's view of the options every analysing subcommand shares: each with the value it took,
/// defaults included, and the files beyond the dispensing files that the run read.
extension InputOptions {
    var manifestOptions: [(name: String, value: String)] {
        let f = files, l = files.locale
        var options: [(name: String, value: String)] = []
        options.append(("preset", f.preset?.rawValue ?? "none"))
        options.append(("cost", f.preset == nil ? "cost column" : f.cost.rawValue))
        options.append(("map", f.map.isEmpty ? "none" : f.map.joined(separator: " ")))
        options.append(("set", f.set.isEmpty ? "none" : f.set.joined(separator: " ")))
        options.append(("delimiter", l.delimiter ?? "detected"))
        options.append(("decimal-comma", String(l.decimalComma)))
        options.append(("encoding", l.encoding))
        options.append(("strict", String(f.strict)))
        options.append(("threads", f.threads.map(String.init) ?? "every core"))
        options.append(("groups", groups.rawValue))
        if let swaps { options.append(("swaps", swaps)) }
        if let bnfCodes { options.append(("bnf-codes", bnfCodes)) }
        return options
    }

    /// Catalogues, swaps and BNF code files read (the dispensing files come from the aggregate, with dialects).
    var otherInputs: [(role: String, path: String)] {
        catalog.map { (role: "catalogue", path: Self.path(of: $0)) } + (swaps.map { [(role: "swaps", path: $0)] } ?? [])
            + (bnfCodes.map { [(role: "bnf-codes", path: $0)] } ?? [])
    }

    /// A catalogue argument without its kind prefix (`tlv:`, `tlv-prices:`, `native:`).
    static func path(of catalogue: String) -> String {
        for prefix in ["tlv:", "tlv-prices:", "native:"] where catalogue.hasPrefix(prefix) { return String(catalogue.dropFirst(prefix.count)) }
        return catalogue
    }
}

extension RunManifest {
    /// A manifest for `command` as run now: the arguments after the subcommand's name, the inputs hashed.
    static func make(
        command: String, input: InputOptions, inputs: LoadedInputs, more: [(role: String, path: String)] = [],
        options: [(name: String, value: String)], seed: UInt64? = nil
    ) throws -> RunManifest {
        let arguments = CommandLine.arguments
        let after = arguments.firstIndex(of: command).map { arguments.index(after: $0) } ?? arguments.endIndex
        var manifest = RunManifest(version: MedSave.version, command: command, arguments: Array(arguments[after...]))
        try manifest.addInputs(dispensing: inputs.dispensing, others: input.otherInputs + more)
        manifest.options = input.manifestOptions + options
        manifest.seed = seed
        return manifest
    }
}
