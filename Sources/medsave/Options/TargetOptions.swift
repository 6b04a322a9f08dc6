import ArgumentParser
import MedSaveCore

/// The target rule, the window and the advice month, as `rank`, `explain` and `report` take them.
struct TargetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Target price per unit: pv, cheapest, median, pNN (NN-th percentile of organisations' PPU), or list:FILE (a CSV of class, unit_price and optionally period and product: the region's own prices; rank and explain).",
            valueName: "rule"))
    var target = "pv"

    @Option(
        help: ArgumentHelp("Periods to analyse: FROM..TO, FROM.., ..TO or one period (YYYY-MM).", valueName: "range"))
    var period: String?

    @Option(
        help: ArgumentHelp(
            "The list month the suggested products come from (default: the newest list given).", valueName: "YYYY-MM"))
    var asOf: String?

    var rule: TargetRule { get throws { try OptionValues.target(target) } }
    var periods: PeriodRange { get throws { try PeriodOption.range(period) } }
    var asOfMonth: Period? { get throws { try PeriodOption.month(asOf, option: "as-of") } }
}
