import ArgumentParser
import GrowthReports
import TeacherGrowth

struct Codes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the code lists: the English codes, national codes and Chinese spellings each column accepts.",
        discussion: "Seeds/code-lists.json is this command's JSON output.")

    @Argument(help: "One list (e.g. \"training level\"); all lists when omitted.") var list: String?
    @Option(help: "text or json.") var format: String = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json.") }
        if let list, !CodeLists.all.contains(where: { $0.name == list.lowercased() }) {
            throw ValidationError("\"\(list)\" is not a code list; use one of: \(CodeLists.all.map(\.name).joined(separator: ", ")).")
        }
    }

    func run() throws {
        let lists = CodeLists.all.filter { list == nil || $0.name == list!.lowercased() }
        if format == "json" {
            print(CodeListsJSON.render(lists), terminator: "")
            return
        }
        for (i, l) in lists.enumerated() {
            if i > 0 { print("") }
            print(l.name)
            var t = TextTable(headers: ["code", "national", "中文", "English", "也可写作 also accepted"], maxColumnWidth: 40)
            for r in l.rows { t.add([r.code, r.national ?? "", r.zh, r.en, r.aliases.joined(separator: "、")]) }
            print(t.render(indent: "  "), terminator: "")
        }
    }
}

/// The JSON form of the code lists, as shipped in Seeds/code-lists.json.
public enum CodeListsJSON {
    public static func render(_ lists: [(name: String, rows: [CodeLists.Row])] = CodeLists.all) -> String {
        var out = "{\n  \"lists\": [\n"
        out += lists.enumerated().map { i, l in
            var s = "    {\n      \"name\": \(quote(l.name)),\n      \"codes\": [\n"
            s += l.rows.map { r in
                "        {\"code\": \(quote(r.code)), \"national\": \(r.national.map(quote) ?? "null"), \"zh\": \(quote(r.zh)), \"en\": \(quote(r.en)), \"aliases\": [\(r.aliases.map(quote).joined(separator: ", "))]}"
            }.joined(separator: ",\n")
            s += "\n      ]\n    }"
            return s
        }.joined(separator: ",\n")
        out += "\n  ]\n}\n"
        return out
    }

    static func quote(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
