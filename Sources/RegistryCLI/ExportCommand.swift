import ArgumentParser
import Foundation
import RegistryStore
import TeacherGrowth

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "导出某类数据的全部记录（CSV、JSON 或 Excel），可直接重新导入 Write every record of a kind as CSV, JSON or .xlsx.",
        discussion: """
        导出的 CSV 和 Excel 用中文表头（--lang en 为英文列名），代码为英文代码；重新导入不会改变任何数据。
        导出文件含完整身份证号，只给本机使用，请妥善保管。
        Importing the output again changes nothing. Full identity numbers are written: keep exports private.
        """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var language: LanguageOption
    @Argument(help: "数据类别：\(ImportKind.all.map { "\($0.name)/\($0.chineseName)" }.joined(separator: ", "))") var kind: String
    @Option(help: "csv、json 或 xlsx") var format: String = "csv"
    @Option(help: "写入此文件，而不是标准输出 Write to this file instead of standard output.") var output: String?

    func validate() throws {
        guard ImportKind.named(kind) != nil else {
            throw CLI.invalid("“\(kind)”不是数据类别；可用：\(ImportKind.all.map(\.name).joined(separator: "、"))",
                              "\"\(kind)\" is not an import kind; use one of: \(ImportKind.all.map(\.name).joined(separator: ", ")).")
        }
        guard let f = ExportFormat(rawValue: format) else {
            throw CLI.invalid("--format 只能是 csv、json 或 xlsx，而不是“\(format)”", "--format must be csv, json or xlsx, not \"\(format)\".")
        }
        try Output.check(format: f == .xlsx, output: output)
    }

    func run() throws {
        let registry = try database.backend()
        let kind = ImportKind.named(kind)!
        let format = ExportFormat(rawValue: format)!
        if ["teachers", "training", "certificates", "registrations", "assignments", "designations", "rotations", "appraisals", "degrees", "titles", "studio_members"].contains(kind.name) {
            try ReadAudit.record(registry, command: "export \(kind.name)", what: "export", people: try registry.rowCounts()[kind.table] ?? 0)
        }
        if format == .xlsx {
            try Output.write(try registry.exportWorkbook(kind, language: language.language), to: output)
            return
        }
        if let output {
            var text = ""
            try registry.export(kind, format: format, language: language.language) { text += $0 }
            try Output.write(text, to: output)
            return
        }
        let out = StandardOutput()
        try registry.export(kind, format: format, language: language.language, to: out.write)
        out.flush()
    }
}
