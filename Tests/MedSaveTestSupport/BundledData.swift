import Foundation
import MedSaveCore

/// The bundled datasets/, read once per test process: as the engine loads them, and as text for the
/// plain-loop references.
public enum BundledData {
    public static let inputs: LoadedInputs = try! LoadedInputs.load(
        InputConfiguration(
            dispensingPaths: [Fixtures.dataset("dispensing.csv.gz")],
            cataloguePaths: [Fixtures.dataset("catalogue.csv")],
            read: DispensingReadOptions()))
    public static let dispensingText = try! ReferenceRanking.gunzip(Fixtures.dataset("dispensing.csv.gz"))
    public static let catalogueText = try! String(contentsOfFile: Fixtures.dataset("catalogue.csv"), encoding: .utf8)
}
