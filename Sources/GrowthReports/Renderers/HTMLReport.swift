import TeacherGrowth

public enum HTMLReport {
    public static func render(_ report: GrowthReport, language: Language = .zh) -> String { "" }
}
