import Foundation
import MedSaveCore
import MedSaveTestSupport
import Testing

@Suite("medsave report, end to end")
struct ReportCommandTests {
    /// A folder under the package root for outputs whose path the report embeds (its manifest names it), so
    /// that the golden files do not depend on where the temporary directory is.
    static func outputFolder(_ name: String) throws -> String {
        let path = ".build-tests/\(name)"
        try FileManager.default.createDirectory(
            at: Fixtures.packageRoot.appendingPathComponent(path), withIntermediateDirectories: true)
        return path
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOf: Fixtures.packageRoot.appendingPathComponent(relative), encoding: .utf8)
    }

    /// A JSON object file under the package root (a manifest).
    static func json(_ relative: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(read(relative).utf8)) as? [String: Any])
    }

    static func report(audience: String, folder: String, extra: [String] = [], catalogue: String = catalogue) throws
        -> BinaryRun
    {
        try BinaryRunner.run(
            [
                "report", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue,
                "--audience", audience, "--output", "\(folder)/\(audience).html", "--bootstrap", "200", "--review-db",
                "none",
            ] + extra)
    }

    /// What every report must be: well-formed, self-contained, with its charts as SVG.
    static func checkSelfContained(_ html: String) throws {
        #expect(try WellFormed.check(html) == nil)
        #expect(!html.contains("http://") && !html.contains("https://"), "no URL of any kind")
        for attribute in ["src=", "href="] {
            #expect(!html.contains(attribute), "no \(attribute) at all: nothing to load")
        }
        #expect(!html.contains("<script"), "no scripts")
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3, "three charts")
    }

    @Test(arguments: ["pharmacist", "budget"])
    func reportMatchesGoldenFilesAndIsSelfContained(audience: String) throws {
        let folder = try Self.outputFolder("report-golden")
        let run = try Self.report(audience: audience, folder: folder)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let html = try Self.read("\(folder)/\(audience).html"), markdown = try Self.read("\(folder)/\(audience).md")
        #expect(Golden.check(html, against: "report-\(audience).html") == nil)
        #expect(Golden.check(markdown, against: "report-\(audience).md") == nil)
        #expect(Golden.check(run.stderr, against: "report-\(audience).stderr") == nil)
        #expect(run.stdout.isEmpty)
        try Self.checkSelfContained(html)
        #expect(!markdown.contains("<svg"), "Markdown has the charts' data as tables")
    }

    @Test func dataIsShownAsTextNeverAsMarkup() throws {
        let hostile = "<script>alert(1)</script>"
        let original = try String(contentsOfFile: Fixtures.path("catalogue.csv"), encoding: .utf8)
        #expect(original.contains("Simvastatin Teva"), "the product the report suggests switching to")
        let path = Fixtures.write(
            original.replacingOccurrences(of: "Simvastatin Teva", with: hostile), named: "catalogue-hostile.csv")
        let folder = try Self.outputFolder("report-hostile")
        let run = try Self.report(audience: "pharmacist", folder: folder, catalogue: path)
        #expect(run.exitCode == 0, "\(run.stderr)")
        let html = try Self.read("\(folder)/pharmacist.html"), markdown = try Self.read("\(folder)/pharmacist.md")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the name is shown, as text")
        #expect(markdown.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains(hostile) && !markdown.contains(hostile))
        try Self.checkSelfContained(html)
    }

    @Test func reviewDecisionsShowInThePharmacistReport() throws {
        let db = Fixtures.temporaryDirectory().appendingPathComponent("r.sqlite").path
        let ranked = try BinaryRunner.run([
            "rank", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue, "--format",
            "json",
        ])
        let id = try #require(
            ranked.stdout.components(separatedBy: "\"id\": \"").dropFirst().first.map { String($0.prefix(12)) })
        let accept = try BinaryRunner.run([
            "review", "accept", id, "--reviewer", "Ann", "--note", "switch <now>", "--review-db", db,
        ])
        #expect(accept.exitCode == 0, "\(accept.stderr)")
        let folder = try Self.outputFolder("report-review")
        let run = try BinaryRunner.run([
            "report", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue,
            "--output", "\(folder)/pharmacist.html", "--review-db", db, "--bootstrap", "0", "--manifest",
            "\(folder)/m.json",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let markdown = try Self.read("\(folder)/pharmacist.md"), html = try Self.read("\(folder)/pharmacist.html")
        #expect(markdown.contains("| accept by Ann: switch &lt;now&gt; |"))
        #expect(html.contains("<td>accept by Ann: switch &lt;now&gt;</td>"))
        #expect(markdown.components(separatedBy: "not reviewed").count - 1 == 2, "the other two are not reviewed")
        #expect(try Self.read("\(folder)/m.json").contains("\"role\": \"review-db\""))
        #expect(markdown.contains("| \(id) |"), "the report shows ids, to decide from")
        let hidden = try BinaryRunner.run([
            "report", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue,
            "--output", "\(folder)/hidden.html", "--review-db", db, "--bootstrap", "0", "--hide-decided",
        ])
        #expect(hidden.exitCode == 0, "\(hidden.stderr)")
        let rest = try Self.read("\(folder)/hidden.md")
        #expect(!rest.contains("| \(id) |") && !rest.contains("accept by Ann"))
        #expect(hidden.stderr.contains("review: 1 accepted or rejected opportunities hidden"))
    }

    @Test func manifestNamesInputsOptionsAndOutputsWithTheirHashes() throws {
        let folder = try Self.outputFolder("report-manifest")
        let manifestPath = "\(folder)/manifest.json"
        let first = try Self.report(
            audience: "budget", folder: folder, extra: ["--manifest", manifestPath, "--seed", "9"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        let html = try Self.read("\(folder)/budget.html"), markdown = try Self.read("\(folder)/budget.md")
        let manifest = try Self.json(manifestPath)
        #expect(manifest["command"] as? String == "report")
        #expect(manifest["seed"] as? String == "9")
        let options = try #require(manifest["options"] as? [String: String])
        #expect(options["audience"] == "budget" && options["uptake"] == "0.5,0.8,1" && options["budget-year"] == "2026")
        #expect(options["suppress-below"] == "5" && options["delimiter"] == "detected")
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["role"] as? String } == ["dispensing", "catalogue"])
        for input in inputs {
            let path = Fixtures.packageRoot.appendingPathComponent(input["path"] as! String).path
            let (digest, bytes) = try #require(SHA256.file(path))
            #expect(input["sha256"] as? String == SHA256.hex(digestBytes: digest))
            #expect(input["bytes"] as? Int == bytes)
        }
        #expect(inputs[0]["dialect"] as? String == "delimiter comma, decimal point, utf-8")
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["role"] as? String } == ["output", "markdown"])
        #expect(outputs[0]["sha256"] as? String == SHA256.hex(Array(html.utf8)))
        #expect(outputs[1]["sha256"] as? String == SHA256.hex(Array(markdown.utf8)))
        #expect((manifest["created_at"] as? String)?.hasSuffix("Z") == true)
        // The report embeds the manifest without the time and output hashes: a rerun gives the same bytes.
        #expect(html.contains(SHA256.hex(digestBytes: SHA256.file(Fixtures.path("catalogue.csv"))!.digest)))
        let second = try Self.report(
            audience: "budget", folder: folder, extra: ["--manifest", manifestPath, "--seed", "9"])
        #expect(second.exitCode == 0)
        #expect(try Self.read("\(folder)/budget.html") == html && Self.read("\(folder)/budget.md") == markdown)
    }

    @Test func rankAndEstimateWriteManifestsToo() throws {
        let folder = try Self.outputFolder("rank-manifest")
        let rank = try BinaryRunner.run([
            "rank", "--dispensing", dispensing, "--catalog", catalogue, "--format", "csv", "--manifest",
            "\(folder)/rank.json",
        ])
        #expect(rank.exitCode == 0, "\(rank.stderr)")
        let manifest = try Self.json("\(folder)/rank.json")
        let options = try #require(manifest["options"] as? [String: String])
        #expect(options["target"] == "pv" && options["level"] == "unit" && options["format"] == "csv")
        let outputs = try #require(manifest["outputs"] as? [[String: Any]])
        #expect(outputs.first?["role"] as? String == "stdout")
        #expect(outputs.first?["sha256"] as? String == SHA256.hex(Array(rank.stdout.utf8)))

        let estimate = try BinaryRunner.run([
            "estimate", "--dispensing", "Tests/Fixtures/estimate-dispensing.csv", "--catalog", catalogue,
            "--budget-year", "2025",
            "--bootstrap", "50", "--seed", "3", "--format", "json", "--output", "\(folder)/estimate.json",
            "--manifest", "\(folder)/estimate-manifest.json",
        ])
        #expect(estimate.exitCode == 0, "\(estimate.stderr)")
        let e = try Self.json("\(folder)/estimate-manifest.json")
        #expect(e["seed"] as? String == "3")
        #expect(
            (e["outputs"] as? [[String: Any]])?.first?["sha256"] as? String
                == SHA256.hex(Array(try Self.read("\(folder)/estimate.json").utf8)))
    }

    @Test func englishDataGetsAReportByBNFChapterWithoutAnEstimate() throws {
        let folder = try Self.outputFolder("report-bnf")
        let run = try BinaryRunner.run([
            "report", "--dispensing", "Tests/Fixtures/epd-small.csv", "--preset", "epd", "--groups", "bnf",
            "--swaps", "Tests/Fixtures/swaps-small.csv", "--target", "p10", "--output", "\(folder)/bnf.html",
            "--review-db", "none",
        ])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stderr.contains("estimate: none, the budget-year estimate prices the year with catalogue prices"))
        let markdown = try Self.read("\(folder)/bnf.md")
        #expect(markdown.contains("## Saving by BNF chapter") && markdown.contains("| 01 | 1 | 43.00 | 100.0% |"))
        #expect(markdown.contains("No estimate: the budget-year estimate prices the year with catalogue prices"))
        try Self.checkSelfContained(try Self.read("\(folder)/bnf.html"))
    }

    @Test func impactAndCatalogStatsWriteManifestsToo() throws {
        let folder = try Self.outputFolder("impact-manifest")
        let impact = try BinaryRunner.run([
            "impact", "--dispensing", dispensing, "--from-catalog", catalogue, "--from-period", "2025-01",
            "--to-catalog", "native:" + catalogue, "--to-period", "2025-02", "--format", "csv", "--manifest",
            "\(folder)/impact.json",
        ])
        #expect(impact.exitCode == 0, "\(impact.stderr)")
        let i = try Self.json("\(folder)/impact.json")
        #expect(i["command"] as? String == "impact")
        let inputs = try #require(i["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["role"] as? String } == ["dispensing", "from-catalog", "to-catalog"])
        #expect(inputs[2]["path"] as? String == catalogue, "the kind prefix is not part of the path")
        #expect((i["options"] as? [String: String])?["from-period"] == "2025-01")

        let stats = try BinaryRunner.run([
            "catalog", "stats", "--catalog", catalogue, "--format", "csv", "--manifest", "\(folder)/stats.json",
        ])
        #expect(stats.exitCode == 0, "\(stats.stderr)")
        let c = try Self.json("\(folder)/stats.json")
        #expect(c["command"] as? String == "catalog stats")
        #expect(
            c["arguments"] as? [String] == [
                "--catalog", catalogue, "--format", "csv", "--manifest", "\(folder)/stats.json",
            ])
        #expect((c["outputs"] as? [[String: Any]])?.first?["sha256"] as? String == SHA256.hex(Array(stats.stdout.utf8)))
    }

    /// The committed `notebooks-export/` must be what the current code makes from the current data:
    /// regenerate them with `make notebooks` when this fails.
    @Test func committedNotebooksExportsAreCurrentAndRegenerateIdentically() throws {
        let root = Fixtures.temporaryDirectory()
        try FileManager.default.createSymbolicLink(
            at: root.appendingPathComponent("datasets"),
            withDestinationURL: Fixtures.packageRoot.appendingPathComponent("datasets"))
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("notebooks-export"), withIntermediateDirectories: true)
        let files = ["pharmacist.html", "pharmacist.md", "budget.html", "budget.md"]
        var runs: [[String]] = []
        for _ in 0..<2 {
            let process = Process()
            process.executableURL = Fixtures.packageRoot.appendingPathComponent("notebooks-export/regenerate.sh")
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["MEDSAVE_ROOT": root.path, "MEDSAVE": BinaryRunner.binary.path, "NO_COLOR": "1"]) { $1 }
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            runs.append(
                try files.map {
                    try String(contentsOf: root.appendingPathComponent("notebooks-export/\($0)"), encoding: .utf8)
                })
        }
        #expect(runs[0] == runs[1], "regenerating twice gives identical files")
        for (name, fresh) in zip(files, runs[0]) {
            let committed = try Self.read("notebooks-export/\(name)")
            #expect(committed == fresh, "notebooks-export/\(name) is stale: run make notebooks")
        }
        try Self.checkSelfContained(runs[0][0])
        try Self.checkSelfContained(runs[0][2])
    }

    @Test(arguments: [
        (["--output", "report.pdf"], "--output report.pdf: the report is HTML"),
        (["--output", "r.html", "--by", "unit"], "--by unit: expected atc1, atc2, atc3, atc4, atc5"),
        (["--output", "r.html", "--uptake", "2"], "--uptake 2: expected a fraction from 0 to 1"),
        (["--output", "r.html", "--groups", "bnf"], "--target pv needs catalogue prices"),
        (["--output", "r.html", "--audience", "press"], "--audience"),
    ])
    func usageErrors(extra: [String], message: String) throws {
        let run = try BinaryRunner.run(["report", "--dispensing", dispensing, "--catalog", catalogue] + extra)
        #expect(run.exitCode == 64)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }
}
