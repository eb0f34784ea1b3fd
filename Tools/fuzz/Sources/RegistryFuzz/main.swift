import Foundation
import RegistryStore
import Spreadsheets
import TeacherGrowth

/// One libFuzzer input: the first byte chooses what is read, the rest is the input.
///   0–3  a CSV file of a kind (training, teachers, certificates, designations) through the whole
///        import path in a dry run: text decoding (UTF-8/GB18030 detection), header detection,
///        CSV fields, cell parsing (dates, hours, codes, identity numbers) and validation;
///   4    the same bytes as an .xlsx workbook (ZIP, XML, shared strings, cells);
///   5    a training record as the JSON body of POST /training, then validated.
/// Anything may be refused; nothing may crash, hang or leak.
let registry = try! Registry()
let kinds = ["training", "teachers", "certificates", "designations"]

func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let bytes = [UInt8](UnsafeBufferPointer(start: start, count: count))
    let mode = Int(bytes[0] % 6)
    let input = Array(bytes.dropFirst())
    switch mode {
    case 0...3:
        let kind = ImportKind.named(kinds[mode])!
        _ = try? registry.importFiles([ImportSource(kind: kind, fileName: "\(kind.name).csv", bytes: input)], options: ImportOptions(dryRun: true))
    case 4:
        if let workbook = try? Workbook(location: .data(Data(input)), fileName: "fuzz.xlsx") {
            let kind = ImportKind.named("training")!
            if let sheet = try? Registry.sheet(for: kind, in: workbook) {
                _ = try? registry.importFiles([ImportSource(kind: kind, fileName: "fuzz.xlsx", content: .sheet(sheet))], options: ImportOptions(dryRun: true))
            }
        }
    default:
        if let object = try? JSONSerialization.jsonObject(with: Data(input)) as? [String: Any] {
            var fields: [String: String] = [:]
            for (k, v) in object {
                if let s = v as? String { fields[k] = s } else if let n = v as? NSNumber { fields[k] = n.stringValue }
            }
            _ = try? registry.validateTraining(fields)
        }
    }
    return 0
}

// SwiftPM gives an executable its own entry point, so libFuzzer's `main` is not used: this program
// starts libFuzzer's driver itself with the callback above.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzz(data, size) })
