/// One person's assignments as a single timeline (SPEC §3): an assignment with an empty `to` ends the
/// day before the next one (by `from`) starts; any other overlap is an error; gaps are allowed.
public struct AssignmentTimeline: Hashable, Sendable {
    /// Sorted by `from`, one per `from`.
    public let assignments: [Assignment]

    public init(_ assignments: [Assignment]) {
        self.assignments = assignments.sorted { $0.from < $1.from }
    }

    /// The last day assignment `i` holds, nil when it still holds.
    public func end(of i: Int) -> CivilDate? {
        if let to = assignments[i].to { return to }
        return i + 1 < assignments.count ? assignments[i + 1].from.adding(days: -1) : nil
    }

    public func index(on d: CivilDate) -> Int? {
        // Binary search: the last assignment with from ≤ d.
        var lo = 0, hi = assignments.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if assignments[mid].from <= d { lo = mid + 1 } else { hi = mid }
        }
        let i = lo - 1
        guard i >= 0 else { return nil }
        if let e = end(of: i), e < d { return nil }
        return i
    }

    /// The assignment on d: home school, post, stage, subject and course type.
    public func assignment(on d: CivilDate) -> Assignment? { index(on: d).map { assignments[$0] } }

    /// The pairs that overlap: an assignment with an explicit `to` on or after the next one's `from`,
    /// or one whose `to` is before its `from`.
    public var overlaps: [(Assignment, Assignment)] {
        var out: [(Assignment, Assignment)] = []
        for i in assignments.indices.dropLast() {
            if let to = assignments[i].to, to >= assignments[i + 1].from {
                out.append((assignments[i], assignments[i + 1]))
            }
        }
        return out
    }

    /// Where the continuous run containing d starts: the longest run of assignments back to back
    /// without a gap day, all satisfying `belongs` (same school, or private schools), that contains d.
    /// Nil when the assignment on d does not satisfy it (or there is none).
    public func runStart(containing d: CivilDate, where belongs: (Assignment) -> Bool) -> CivilDate? {
        guard var i = index(on: d), belongs(assignments[i]) else { return nil }
        while i > 0, belongs(assignments[i - 1]), let prevEnd = end(of: i - 1),
              prevEnd.adding(days: 1) == assignments[i].from {
            i -= 1
        }
        return assignments[i].from
    }

    /// Continuous time at the school of the assignment on d started on this day.
    public func startAtSchool(on d: CivilDate) -> CivilDate? {
        guard let a = assignment(on: d) else { return nil }
        return runStart(containing: d) { $0.schoolCode == a.schoolCode }
    }
}
