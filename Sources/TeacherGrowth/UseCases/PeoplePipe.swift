import Foundation

/// Reads people from a fact source on the calling thread and computes on them on a second thread,
/// so that reading the store and computing the metrics use two cores instead of taking turns.
/// People travel in batches through a bounded queue: memory stays a few batches, whatever the size
/// of the registry, and the order in which `consume` sees people is the source's order.
enum PeoplePipe {
    static let batchSize = 256
    static let queuedBatches = 8

    /// Feeds every person of `query` to `consume`, which runs on another thread. Returns when
    /// `consume` has seen everyone; rethrows what reading threw (after the consumer has stopped).
    static func forEachTeacher(in source: some FactSource, _ query: FactQuery,
                               _ consume: @escaping @Sendable ([TeacherFacts]) -> Void) throws {
        let queue = HandoffQueue<[TeacherFacts]>(capacity: queuedBatches)
        let consumed = ThreadResult<Void>()
        let consumer = Thread {
            // The producer never finishes with an error: a failed read is thrown by the caller.
            while let batch = try? queue.take() { consume(batch) }
            consumed.set(())
        }
        consumer.stackSize = 1 << 20
        consumer.start()
        defer {
            queue.finish()
            consumed.wait()
        }
        var batch: [TeacherFacts] = []
        batch.reserveCapacity(batchSize)
        try source.forEachTeacher(query) { person in
            batch.append(person)
            if batch.count == batchSize {
                queue.put(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { queue.put(batch) }
    }
}

/// Something mutable that one thread at a time uses: the engine while the consumer thread feeds it,
/// then the caller once the consumer is done (the queue's lock orders the two).
final class Handoff<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
