import ArgumentParser
import RegistryStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every record of a kind as CSV (what import reads) or JSON.",
        discussion: "Importing the CSV output again changes nothing. Full identity numbers are written: keep exports private.")

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "One of: \(ImportKind.all.map(\.name).joined(separator: ", ")).") var kind: String
    @Option(help: "csv or json.") var format: String = "csv"

    func validate() throws {
        guard ImportKind.named(kind) != nil else {
            throw ValidationError("\"\(kind)\" is not an import kind; use one of: \(ImportKind.all.map(\.name).joined(separator: ", ")).")
        }
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format must be csv or json, not \"\(format)\".") }
    }

    func run() throws {
        let registry = try database.open()
        let out = StandardOutput()
        try registry.export(ImportKind.named(kind)!, format: ExportFormat(rawValue: format)!, to: out.write)
        out.flush()
    }
}
