import Foundation
import MedSaveModel
import MedSaveSupport

/// How products are put into equivalence classes.
public enum Grouping: Sendable, Equatable {
    /// By the catalogue of each record's period (exchange group × pack-size group).
    case catalogue
    /// By the BNF code's generic equivalent, joined by a formulation-swaps file; names from an NHSBSA code table.
    case bnf(swaps: String?, codes: String?)
}

/// The inputs of one run, validated once from the command line: which files, read how.
public struct InputConfiguration: Sendable {
    public var dispensingPaths: [String]
    /// Catalogue files, each optionally prefixed with its kind (see `CatalogueLoader`).
    public var cataloguePaths: [String]
    public var read: DispensingReadOptions
    public var grouping: Grouping

    public init(
        dispensingPaths: [String], cataloguePaths: [String], read: DispensingReadOptions,
        grouping: Grouping = .catalogue
    ) {
        self.dispensingPaths = dispensingPaths
        self.cataloguePaths = cataloguePaths
        self.read = read
        self.grouping = grouping
    }
}

/// Catalogue and dispensing aggregate loaded for an analysis, with every problem found on the way.
public struct LoadedInputs: Sendable {
    public var catalogue: Catalogue
    /// The BNF classes, when grouping by BNF code.
    public var bnf: BNFClassifier?
    public var dispensing: DispensingAggregate

    /// What classifies products: the BNF classes when asked for, else the catalogue.
    public var classifier: any ProductClassifier { bnf ?? catalogue }
    /// Catalogue problems first, then dispensing problems, each in file order.
    public var problems: [InputProblem]

    /// Reads the catalogues, then streams the dispensing files. Throws `InputError` on what cannot be
    /// recovered from (unreadable file, missing column, or any problem with `strict`).
    public static func load(
        _ configuration: InputConfiguration, progress: ((ReadProgress) -> Void)? = nil
    ) throws(InputError) -> LoadedInputs {
        // The catalogue is read on one of the threads reading the dispensing files, its errors first.
        let catalogueResult = ConcurrentResults<(catalogue: Catalogue, problems: [InputProblem]), InputError>(count: 1)
        let paths = configuration.cataloguePaths, strict = configuration.read.strict
        let side = DispensingReader.SideJob(weight: CatalogueLoader.readingCost(paths)) {
            catalogueResult.store(
                0, Result { () throws(InputError) in try CatalogueLoader.load(paths, strict: strict) })
        }
        let dispensingResult = Result { () throws(InputError) in
            try DispensingReader.read(
                paths: configuration.dispensingPaths, options: configuration.read, progress: progress, alongside: side)
        }
        let (catalogue, catalogueProblems) = try catalogueResult.get(0)
        var bnf: BNFClassifier?
        if case .bnf(let swaps, let codes) = configuration.grouping {
            bnf = try BNFClassifier(swapsPath: swaps, codesPath: codes)
        }
        let dispensing = try dispensingResult.get()
        try refuseMostlyUnreadable(dispensing)
        return LoadedInputs(
            catalogue: catalogue, bnf: bnf, dispensing: dispensing, problems: catalogueProblems + dispensing.problems)
    }

    /// A file of which almost nothing could be read was read the wrong way (a Swedish Excel export without
    /// `--decimal-comma`, say): ranking the few rows left would look like a result. At least `minimumRows`
    /// rows with more than `unreadableShare` of them unreadable stop the run with the first problem and its hint.
    static let minimumRows = 100
    static let unreadableShare = 0.9

    static func refuseMostlyUnreadable(_ d: DispensingAggregate) throws(InputError) {
        guard d.rowsRead >= minimumRows, Double(d.badRows) > unreadableShare * Double(d.rowsRead),
            let first = d.problems.first
        else { return }
        throw InputError(
            location: first.location,
            message: "\(d.badRows) of \(d.rowsRead) rows could not be read, the first because: \(first.message)"
                + (first.found.map { ", found \"\($0)\"" } ?? "") + "; stopping rather than using the few rows left",
            hint: first.hint ?? "check the delimiter, --decimal-comma and --encoding")
    }
}
