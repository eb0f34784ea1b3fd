import ArgumentParser
import GrowthReports
import RegistryStore
import TeacherGrowth

struct TrainingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Log, list and void single training records.",
        subcommands: [Add.self, List.self, Void.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log one training record (validated like a training.csv row).",
            discussion: "Example: teacher-registry training add --staff-no T0001 --title \"县级班主任培训\" --level county --start 2025-03-01 --end 2025-03-03 --hours 24")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("staff-no"), help: "The teacher's staff number (工号).") var staffNo: String
        @Option(help: "The programme's name (培训项目名称).") var title: String
        @Option(help: "national, municipal, prefecture, county, school, other (or 国家级, 市级, 县级 …).") var level: String
        @Option(help: "First day (培训开始日期).") var start: String
        @Option(help: "Last day (培训结束日期).") var end: String
        @Option(help: "Hours, at most one decimal (培训获得学时).") var hours: String
        @Option(help: "long_offsite, short_face, online, blended, other.") var mode: String?
        @Option(help: "general (default), induction, young, backbone, trainer, principal, class_head, special.") var kind: String?
        @Option(help: "The training provider.") var provider: String?
        @Option(help: "Credits, at most one decimal.") var credits: String?
        @Option(help: "approved (default), pending, rejected.") var status: String?
        @Option(help: "The training platform's record number; re-adding the same ref updates that record.") var ref: String?

        func run() throws {
            var fields = ["staff_no": staffNo, "title": title, "level": level, "start_date": start, "end_date": end, "hours": hours]
            fields["mode"] = mode; fields["kind"] = kind; fields["provider"] = provider
            fields["credits"] = credits; fields["status"] = status; fields["ref"] = ref
            let registry = try database.open()
            do {
                let result = try registry.addTraining(fields, actor: Actor.current)
                for w in result.warnings { Console.error("warning: \(w)") }
                switch result.outcome {
                case .added: print("Added training record \(result.id).")
                case .updated: print("Updated training record \(result.id).")
                case .unchanged: print("Training record \(result.id) already holds these values; nothing changed.")
                }
            } catch TrainingEditError.invalid(let issues) {
                let names = ["staff_no": "--staff-no", "start_date": "--start", "end_date": "--end"]
                for i in issues { Console.error("\(names[i.field] ?? "--" + i.field): \(i.message.text(CLI.language))") }
                throw UserError("培训记录未保存；请改正上面的选项后重新运行",
                                "The training record was not saved; correct the option\(issues.count == 1 ? "" : "s") above and run the command again.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List training records, newest first.")

        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("staff-no"), help: "Only this teacher.") var staffNo: String?
        @Option(help: "Only staff whose latest assignment is at this school.") var school: String?
        @Option(help: "approved, pending or rejected.") var status: String?
        @Option(help: "Only records ending on or after this date.") var from: String?
        @Option(help: "Only records ending on or before this date.") var to: String?
        @Option(help: "At most this many rows (default 200; 0 = all).") var limit: Int = 200
        @Option(help: "text, csv or json.") var format: String = "text"

        func validate() throws {
            if let status, TrainingStatus.parse(status) == nil { throw ValidationError("--status must be approved, pending or rejected.") }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, case .failure(let f) = DateInput.parse(value) { throw ValidationError("\(name): \(f)") }
            }
            guard ["text", "csv", "json"].contains(format) else { throw ValidationError("--format must be text, csv or json.") }
        }

        func run() throws {
            let registry = try database.open()
            func date(_ s: String?) -> CivilDate? { s.flatMap { try? DateInput.parse($0).get() } }
            let rows = try registry.listTraining(.init(staffNo: staffNo, schoolCode: school, status: status.flatMap(TrainingStatus.parse),
                                                       endFrom: date(from), endTo: date(to), limit: limit == 0 ? nil : limit))
            let out = StandardOutput()
            switch format {
            case "json":
                out.write(try JSONOutput.encode(rows))
            case "csv":
                out.write("\u{FEFF}id,staff_no,title,level,mode,kind,provider,start_date,end_date,hours,credits,status,ref,void_reason\r\n")
                for r in rows {
                    let cells = ["\(r.id)", r.staffNo, r.title, r.level, r.mode ?? "", r.kind, r.provider ?? "", r.startDate, r.endDate,
                                 r.hours.description, r.credits?.description ?? "", r.status, r.ref ?? "", r.voidReason ?? ""]
                    out.write(cells.map(CSVField.escape).joined(separator: ",") + "\r\n")
                }
            default:
                var table = TextTable(headers: ["ID", "工号", "培训项目", "级别", "类型", "结束日期", "学时", "状态"],
                                      alignments: [.right, .left, .left, .left, .left, .left, .right, .left], maxColumnWidth: 30)
                for r in rows {
                    let status = r.voidReason != nil ? "已作废" : (TrainingStatus(rawValue: r.status)?.chineseLabel ?? r.status)
                    table.add(["\(r.id)", r.staffNo, r.title, TrainingLevel(rawValue: r.level)?.chineseLabel ?? r.level,
                               TrainingKind(rawValue: r.kind)?.chineseLabel ?? r.kind, r.endDate, r.hours.oneDecimal, status])
                }
                out.write(table.render())
                out.write("\(rows.count) record\(rows.count == 1 ? "" : "s")\(rows.count == limit ? " (limit reached; use --limit 0 for all)" : "")\n")
            }
            out.flush()
        }
    }

    struct Void: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Void a training record: a reversing change with a reason; nothing is deleted.")

        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The record's ID (from `training list`).") var id: Int64
        @Option(help: "Why the record is void (kept in the change log).") var reason: String

        func run() throws {
            let registry = try database.open()
            try registry.voidTraining(id: id, reason: reason, actor: Actor.current)
            print("Voided training record \(id); it no longer counts toward any hours or metric.")
        }
    }
}

enum CSVField {
    static func escape(_ s: String) -> String { CSVText.field(s) }
}
