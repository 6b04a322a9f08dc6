/// The inputs of one run, validated once from the command line: which files, read how.
public struct InputConfiguration: Sendable {
    public var dispensingPaths: [String]
    public var cataloguePaths: [String]
    public var read: DispensingReadOptions

    public init(dispensingPaths: [String], cataloguePaths: [String], read: DispensingReadOptions) {
        self.dispensingPaths = dispensingPaths
        self.cataloguePaths = cataloguePaths
        self.read = read
    }
}

/// Catalogue and dispensing aggregate loaded for an analysis, with every problem found on the way.
public struct LoadedInputs: Sendable {
    public var catalogue: Catalogue
    public var dispensing: DispensingAggregate
    /// Catalogue problems first, then dispensing problems, each in file order.
    public var problems: [InputProblem]

    /// Reads the catalogues, then streams the dispensing files. Throws `InputError` on what cannot be
    /// recovered from (unreadable file, missing column, or any problem with `strict`).
    public static func load(
        _ configuration: InputConfiguration, progress: ((ReadProgress) -> Void)? = nil
    ) throws(InputError) -> LoadedInputs {
        let (catalogue, catalogueProblems) = try CatalogueLoader.load(
            configuration.cataloguePaths, strict: configuration.read.strict)
        let dispensing = try DispensingReader.read(
            paths: configuration.dispensingPaths, options: configuration.read, progress: progress)
        return LoadedInputs(catalogue: catalogue, dispensing: dispensing, problems: catalogueProblems + dispensing.problems)
    }
}
