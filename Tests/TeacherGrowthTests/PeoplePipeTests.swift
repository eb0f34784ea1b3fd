import Foundation
import Testing
@testable import TeacherGrowth

/// The report reads people on one thread and computes on another (`PeoplePipe`): it must give what
/// one thread gives, in every case, and a failed read must surface, not hang.
@Suite("Reading and computing on two threads")
struct PeoplePipeTests {
    /// Many more people than one batch, in several schools, with training of varied hours.
    func world(people: Int) -> World {
        var w = World()
        let schools = ["P1", "P2", "J1", "PR", "V1"]
        w.teachers = (0..<people).map { i in
            let school = schools[i % schools.count]
            let training = (0..<(i % 7)).map { k in
                TrainingFact(endDate: d("2021-03-01").adding(days: 97 * k + i % 300), hours: Hours(tenths: 150 + 37 * k + i % 90),
                             kind: k == 0 ? .induction : .general, level: k % 3 == 0 ? .county : .school)
            }
            return teacher(String(format: "S%05d", i), school: school, stage: school == "J1" ? .junior : .primary,
                           hired: i % 11 == 0 ? "2022-09-01" : "2012-09-01", left: i % 13 == 0 ? "2024-07-31" : nil,
                           subject: i % 5 == 0 ? "体育" : "语文", training: training)
        }
        return w
    }

    @Test func givesWhatOneThreadGives() throws {
        let w = world(people: PeoplePipe.batchSize * PeoplePipe.queuedBatches * 3 + 17)
        let source = InMemoryFacts(schools: w.schools, people: w.teachers, studios: w.studios)
        let dates = GrowthReport.dates(plan: w.plan, year: 2025, asOf: d("2025-12-31"))
        let piped = try GrowthReporting.metrics(source: source, plan: w.plan, dates: dates)
        var engine = MetricsEngine(plan: w.plan, schools: w.schools, dates: dates)
        for t in source.people { engine.add(t) }
        let direct = engine.results(studios: w.studios)
        #expect(piped.keys.sorted() == direct.keys.sorted())
        for (date, day) in direct {
            for key in MetricKey.allCases {
                #expect(piped[date]?[key] == day[key], "\(date) \(key)")
            }
        }
        // The people were fed in the source's order, each once.
        let seen = Handoff<[String]>([])
        try PeoplePipe.forEachTeacher(in: source, FactQuery()) { batch in seen.value += batch.map(\.staffNo) }
        #expect(seen.value == source.people.map(\.staffNo))
        #expect(direct[d("2025-12-31")]?[.training_360_rate].denominator ?? 0 > 1_000)
    }

    @Test func anEmptySourceGivesEmptyTallies() throws {
        let w = World()
        let dates = [d("2025-12-31")]
        let piped = try GrowthReporting.metrics(source: InMemoryFacts(schools: w.schools, people: []), plan: w.plan, dates: dates)
        #expect(piped[d("2025-12-31")]?[.certificate_rate].denominator == 0)
    }

    struct ReadFailed: Error, Equatable {}

    /// A store that fails part-way through the people (a disk error, a dropped connection).
    struct FailingSource: FactSource {
        let inner: InMemoryFacts
        let failAfter: Int
        func schools() throws -> [School] { try inner.schools() }
        func schoolNames() throws -> [String: String] { [:] }
        func studios() throws -> [StudioFacts] { [] }
        func names(of staff: Set<String>) throws -> [String: String] { [:] }
        func forEachTeacher(_ query: FactQuery, _ body: (TeacherFacts) throws -> Void) throws {
            for (i, p) in inner.people.enumerated() {
                if i == failAfter { throw ReadFailed() }
                try body(p)
            }
        }
    }

    @Test func aFailedReadIsThrownAndNothingHangs() throws {
        let w = world(people: 5_000)
        let inner = InMemoryFacts(schools: w.schools, people: w.teachers)
        for failAfter in [0, 1, PeoplePipe.batchSize, PeoplePipe.batchSize * PeoplePipe.queuedBatches + 3, 4_999] {
            #expect(throws: ReadFailed()) {
                try GrowthReporting.metrics(source: FailingSource(inner: inner, failAfter: failAfter), plan: w.plan, dates: [d("2025-12-31")])
            }
        }
    }

    @Test func aStoppedQueueReleasesAWaitingProducer() throws {
        let queue = HandoffQueue<Int>(capacity: 2)
        let produced = ThreadResult<Int>()
        Thread {
            var n = 0
            while queue.put(n) { n += 1 }
            produced.set(n)
        }.start()
        #expect(try queue.take() == 0)
        #expect(try queue.take() == 1)
        queue.stop()
        // The producer, waiting for room, is released and told to stop.
        #expect((2...5).contains(produced.wait()))
        // A result may be asked for again.
        #expect(produced.wait() == produced.wait())
        #expect(try queue.take() == nil)
    }

    @Test func aProducerErrorReachesTheConsumer() throws {
        let queue = HandoffQueue<Int>(capacity: 4)
        queue.put(1)
        queue.finish(ReadFailed())
        #expect(throws: ReadFailed()) { try queue.take() }
        let done = HandoffQueue<Int>(capacity: 4)
        done.put(7)
        done.finish()
        #expect(try done.take() == 7)
        #expect(try done.take() == nil)
    }
}
