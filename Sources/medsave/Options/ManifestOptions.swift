import Foundation
import MedSaveCore

/// The manifest's view of the options the subcommands share: each with the value it took, defaults included,
/// and the files beyond the dispensing files that the run read.
extension DispensingOptions {
    var manifestOptions: [(name: String, value: String)] {
        let l = locale
        return [
            ("preset", preset?.rawValue ?? "none"),
            ("cost", preset == nil ? "cost column" : cost.rawValue),
            ("map", map.isEmpty ? "none" : map.joined(separator: " ")),
            ("set", set.isEmpty ? "none" : set.joined(separator: " ")),
            ("delimiter", l.delimiter ?? "detected"),
            ("decimal-comma", String(l.decimalComma)),
            ("encoding", l.encoding),
            ("strict", String(strict)),
            ("threads", threads.map(String.init) ?? "every core"),
        ]
    }
}

extension InputOptions {
    var manifestOptions: [(name: String, value: String)] {
        var options = files.manifestOptions
        options.append(("groups", groups.rawValue))
        if let swaps { options.append(("swaps", swaps)) }
        if let bnfCodes { options.append(("bnf-codes", bnfCodes)) }
        return options
    }

    /// Catalogues, swaps and BNF code files read (the dispensing files come from the aggregate, with dialects).
    var otherInputs: [(role: String, path: String)] {
        CatalogueOptions.inputs(catalog, role: "catalogue") + (swaps.map { [(role: "swaps", path: $0)] } ?? [])
            + (bnfCodes.map { [(role: "bnf-codes", path: $0)] } ?? [])
    }
}

extension CatalogueOptions {
    /// Catalogue arguments as manifest inputs: the paths without their kind prefix (`tlv:`, `uk-tariff:`, …).
    static func inputs(_ specs: [String], role: String) -> [(role: String, path: String)] {
        specs.map { (role: role, path: CatalogueSpec($0).path) }
    }
}

extension RunManifest {
    /// A manifest for `command` as run now: the arguments after the subcommand's name, the dispensing files
    /// with their dialects, then `inputs`, each hashed.
    static func make(
        command: String, dispensing: DispensingAggregate?, inputs: [(role: String, path: String)],
        options: [(name: String, value: String)], seed: UInt64? = nil
    ) throws -> RunManifest {
        let arguments = CommandLine.arguments
        let name = command.split(separator: " ").last.map(String.init) ?? command  // `catalog stats` → `stats`
        let after = arguments.firstIndex(of: name).map { arguments.index(after: $0) } ?? arguments.endIndex
        var manifest = RunManifest(version: MedSave.version, command: command, arguments: Array(arguments[after...]))
        if let dispensing {
            try manifest.addInputs(dispensing: dispensing, others: inputs)
        } else {
            try manifest.addInputs(inputs)
        }
        manifest.options = options
        manifest.seed = seed
        return manifest
    }

    /// `make` for the subcommands that read `InputOptions` (rank, estimate, report).
    static func make(
        command: String, input: InputOptions, inputs: LoadedInputs, more: [(role: String, path: String)] = [],
        options: [(name: String, value: String)], seed: UInt64? = nil
    ) throws -> RunManifest {
        try make(
            command: command, dispensing: inputs.dispensing, inputs: input.otherInputs + more,
            options: input.manifestOptions + options, seed: seed)
    }
}
