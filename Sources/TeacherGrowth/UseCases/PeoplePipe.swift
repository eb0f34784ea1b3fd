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
        let queue = BoundedQueue(capacity: queuedBatches)
        let consumer = Thread {
            while let batch = queue.take() { consume(batch) }
            queue.markConsumerDone()
        }
        consumer.stackSize = 1 << 20
        consumer.start()
        var batch: [TeacherFacts] = []
        batch.reserveCapacity(batchSize)
        defer {
            queue.close()
            queue.waitForConsumer()
        }
        try source.forEachTeacher(query) { person in
            batch.append(person)
            if batch.count == batchSize {
                queue.put(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { queue.put(batch) }
    }

    /// A first-in first-out queue of batches that blocks the producer when full and the consumer
    /// when empty.
    private final class BoundedQueue: @unchecked Sendable {
        private let condition = NSCondition()
        private var batches: [[TeacherFacts]] = []
        private var head = 0
        private var closed = false
        private var consumerDone = false
        let capacity: Int

        init(capacity: Int) { self.capacity = capacity }

        func put(_ batch: [TeacherFacts]) {
            condition.lock()
            defer { condition.unlock() }
            while batches.count - head >= capacity { condition.wait() }
            batches.append(batch)
            condition.broadcast()
        }

        /// The next batch; nil once the queue is closed and empty.
        func take() -> [TeacherFacts]? {
            condition.lock()
            defer { condition.unlock() }
            while head == batches.count && !closed { condition.wait() }
            guard head < batches.count else { return nil }
            let batch = batches[head]
            batches[head] = []
            head += 1
            if head == batches.count { batches.removeAll(keepingCapacity: true); head = 0 }
            condition.broadcast()
            return batch
        }

        func close() {
            condition.lock()
            closed = true
            condition.broadcast()
            condition.unlock()
        }

        func markConsumerDone() {
            condition.lock()
            consumerDone = true
            condition.broadcast()
            condition.unlock()
        }

        func waitForConsumer() {
            condition.lock()
            while !consumerDone { condition.wait() }
            condition.unlock()
        }
    }
}

/// Something mutable that one thread at a time uses: the engine while the consumer thread feeds it,
/// then the caller once the consumer is done (the queue's lock orders the two).
final class Handoff<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
