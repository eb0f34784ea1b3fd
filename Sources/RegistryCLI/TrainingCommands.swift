import ArgumentParser
import Foundation
import GrowthReports
import Spreadsheets
import RegistryStore
import TeacherGrowth

struct TrainingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "登记、列出、作废单条培训记录 Log, list and void single training records.",
        subcommands: [Add.self, List.self, Approve.self, Reject.self, Void.self])

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "通过待审核的培训记录（认定学时）Approve pending training records.",
            discussion: "给出记录编号，或用 --batch 通过某导入批次中全部待审核的记录。只有“待审核”的记录可以通过；任一条不可审核则全部不改。")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "记录编号（见 training list --status pending）") var ids: [Int64] = []
        @Option(help: "导入批次编号：通过该批次中全部待审核记录") var batch: Int64?

        func validate() throws {
            if ids.isEmpty == (batch == nil) {
                throw CLI.invalid("请给出记录编号，或用 --batch 给出导入批次（二者选一）", "Give record IDs, or an import batch with --batch (one of the two).")
            }
        }

        func run() throws {
            let registry = try database.backend()
            var targets = ids
            if let batch {
                targets = try registry.pendingTrainingIDs(batch: batch)
                if targets.isEmpty { throw UserError(TrainingEditError.emptyBatch(batch).message) }
            }
            let o = try registry.reviewTraining(ids: targets, decision: .approve, reason: nil, actor: Actor.current)
            print(CLI.say("已通过 \(o.ids.count) 条培训记录（审核批次 \(o.batchID)），其学时已计入。", "Approved \(o.ids.count) training records (review batch \(o.batchID)); their hours now count."))
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "驳回待审核的培训记录（须写原因）Reject pending training records, with a reason.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "记录编号") var ids: [Int64]
        @Option(help: "驳回原因（必填，记入变更记录）") var reason: String

        func run() throws {
            let o = try database.backend().reviewTraining(ids: ids, decision: .reject, reason: reason, actor: Actor.current)
            print(CLI.say("已驳回 \(o.ids.count) 条培训记录（审核批次 \(o.batchID)）。", "Rejected \(o.ids.count) training records (review batch \(o.batchID))."))
        }
    }

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
            let registry = try database.backend()
            do {
                let result = try registry.addTraining(fields, actor: Actor.current, command: "training add")
                for w in result.warnings { Console.error(CLI.say("警告：", "warning: ") + w.text(CLI.language)) }
                switch result.outcome {
                case .added: print(CLI.say("已登记培训记录 \(result.id)。", "Added training record \(result.id)."))
                case .updated: print(CLI.say("已更新培训记录 \(result.id)。", "Updated training record \(result.id)."))
                case .unchanged: print(CLI.say("培训记录 \(result.id) 已是这些内容，未做更改。", "Training record \(result.id) already holds these values; nothing changed."))
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
        static let configuration = CommandConfiguration(abstract: "列出培训记录（最新的在前）List training records, newest first.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Option(name: .customLong("staff-no"), help: "只看此工号 Only this teacher.") var staffNo: String?
        @Option(help: "只看当前任职在此学校的教师 Only staff whose latest assignment is at this school.") var school: String?
        @Option(help: "审核状态：approved（已认定）、pending（待审核）、rejected（未通过）") var status: String?
        @Option(help: "结束日期不早于 Only records ending on or after this date.") var from: String?
        @Option(help: "结束日期不晚于 Only records ending on or before this date.") var to: String?
        @Option(name: .customLong("batch"), help: "只看某导入批次的记录 Only records added by this import batch.") var batch: Int64?
        @Option(help: "最多列出几条（默认 200；0 = 全部）") var limit: Int = 200
        @Option(help: "text、csv、json 或 xlsx") var format: String = "text"
        @Option(help: "写入此文件，而不是标准输出") var output: String?

        func validate() throws {
            if let status, TrainingStatus.parse(status) == nil {
                throw CLI.invalid("--status 只能是 approved（已认定）、pending（待审核）或 rejected（未通过）", "--status must be approved, pending or rejected.")
            }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, case .failure(let f) = DateInput.parse(value) { throw CLI.invalid("\(name)：\(f.localized.zh)", "\(name): \(f.localized.en)") }
            }
            guard ["text", "csv", "json", "xlsx"].contains(format) else {
                throw CLI.invalid("--format 只能是 text、csv、json 或 xlsx", "--format must be text, csv, json or xlsx.")
            }
            try Output.check(format: format == "xlsx", output: output)
        }

        func run() throws {
            let registry = try database.backend()
            func date(_ s: String?) -> CivilDate? { s.flatMap { try? DateInput.parse($0).get() } }
            let rows = try registry.listTraining(.init(staffNo: staffNo, schoolCode: school, status: status.flatMap(TrainingStatus.parse),
                                                       endFrom: date(from), endTo: date(to), batch: batch, limit: limit == 0 ? nil : limit))
            let l = language.language
            switch format {
            case "json":
                try Output.write(try JSONOutput.encode(rows), to: output)
            case "csv":
                try Output.write(TableOutput.csv(TrainingTable.make(rows, language: l), language: l), to: output)
            case "xlsx":
                try Output.write(try TableOutput.workbook([TrainingTable.make(rows, language: l)]), to: output)
            default:
                let zh = l == .zh
                var table = TextTable(headers: zh ? ["ID", "工号", "培训项目", "级别", "类型", "结束日期", "学时", "状态"]
                                                  : ["ID", "Staff", "Programme", "Level", "Kind", "Ends", "Hours", "Status"],
                                      alignments: [.right, .left, .left, .left, .left, .left, .right, .left], maxColumnWidth: 30)
                for r in rows {
                    let status = r.voidReason != nil ? (zh ? "已作废" : "void") : (TrainingStatus(rawValue: r.status)?.label(l) ?? r.status)
                    table.add(["\(r.id)", r.staffNo, r.title, TrainingLevel(rawValue: r.level)?.label(l) ?? r.level,
                               TrainingKind(rawValue: r.kind)?.label(l) ?? r.kind, r.endDate, r.hours.oneDecimal, status])
                }
                var text = table.render()
                let more = rows.count == limit
                text += zh ? "共 \(rows.count) 条\(more ? "（已达上限；--limit 0 列出全部）" : "")\n"
                           : "\(rows.count) record\(rows.count == 1 ? "" : "s")\(more ? " (limit reached; use --limit 0 for all)" : "")\n"
                try Output.write(text, to: output)
            }
        }
    }

    struct Void: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "作废一条培训记录：须写明原因，记录本身保留 Void a training record: a reversing change with a reason; nothing is deleted.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var language: LanguageOption
        @Argument(help: "记录编号（见 training list）The record's ID.") var id: Int64
        @Option(help: "作废原因（记入变更记录）Why the record is void.") var reason: String

        func run() throws {
            let registry = try database.backend()
            try registry.voidTraining(id: id, reason: reason, actor: Actor.current)
            print(CLI.say("已作废培训记录 \(id)；它不再计入任何学时或指标。", "Voided training record \(id); it no longer counts toward any hours or metric."))
        }
    }
}

/// Training records as a table for people (CSV and Excel).
enum TrainingTable {
    static func make(_ rows: [TrainingListing], language: Language) -> ReportTable {
        let zh = language == .zh
        var t = ReportTable(name: zh ? "培训记录" : "training", headers: zh
            ? ["记录编号", "工号", "培训项目名称", "培训级别", "培训方式", "培训类型", "培训机构名称", "培训开始日期", "培训结束日期", "学时", "学分", "审核状态", "外部编号", "作废原因"]
            : ["id", "staff_no", "title", "level", "mode", "kind", "provider", "start_date", "end_date", "hours", "credits", "status", "ref", "void_reason"])
        for r in rows {
            func code<V: CodeListValue>(_ type: V.Type, _ raw: String?) -> CellValue {
                guard let raw else { return .empty }
                return .text(zh ? (V(rawValue: raw)?.chineseLabel ?? raw) : raw)
            }
            t.rows.append([.integer(Int(r.id)), .text(r.staffNo), .text(r.title), code(TrainingLevel.self, r.level), code(TrainingMode.self, r.mode),
                           code(TrainingKind.self, r.kind), r.provider.map { .text($0) } ?? .empty,
                           CivilDate(iso: r.startDate).map { .date($0) } ?? .text(r.startDate), CivilDate(iso: r.endDate).map { .date($0) } ?? .text(r.endDate),
                           .number(r.hours.description), r.credits.map { .number($0.description) } ?? .empty,
                           r.voidReason != nil ? .text(zh ? "已作废" : "void") : code(TrainingStatus.self, r.status),
                           r.ref.map { .text($0) } ?? .empty, r.voidReason.map { .text($0) } ?? .empty])
        }
        return t
    }
}
