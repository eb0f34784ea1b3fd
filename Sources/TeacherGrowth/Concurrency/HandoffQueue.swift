import Foundation

/// A bounded first-in first-out queue from one producing thread to one consuming thread: the
/// producer waits while it is full, the consumer while it is empty. Memory stays `capacity`
/// elements whatever the amount of work. Used where reading and computing (or checking and
/// writing, or encoding and sending) run on two cores at once.
public final class HandoffQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var elements: [Element] = []
    private var head = 0
    private var finished = false
    private var stopped = false
    private var producerError: (any Error)?
    private let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// The error the producer finished with, if any.
    public var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return producerError
    }

    /// Adds an element, waiting while the queue is full. False once the consumer has stopped (the
    /// element is dropped): the producer may stop producing.
    @discardableResult
    public func put(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while elements.count - head >= capacity && !stopped { condition.wait() }
        guard !stopped else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// No more elements (the producer); with an error, the consumer's `take` throws it.
    public func finish(_ error: (any Error)? = nil) {
        condition.lock()
        finished = true
        producerError = error
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer takes no more: what is queued is dropped, and a waiting producer is released.
    public func stop() {
        condition.lock()
        stopped = true
        elements.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    /// The next element, waiting while the queue is empty; nil once the producer has finished and
    /// everything was taken; throws the error the producer finished with.
    public func take() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while head == elements.count && !finished && !stopped { condition.wait() }
        if let producerError { throw producerError }
        guard head < elements.count else { return nil }
        let element = elements[head]
        head += 1
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= elements.count {
            elements.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return element
    }
}

/// A value one thread computes and another waits for (a thread's result).
public final class ThreadResult<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Value?

    public init() {}

    /// Sets the result (once, from the computing thread).
    public func set(_ value: Value) {
        self.value = value
        done.signal()
    }

    /// Waits for the result (any number of times, from any thread). The semaphore orders the
    /// computing thread's write before this read.
    public func wait() -> Value {
        done.wait()
        // Let the next caller through too.
        done.signal()
        guard let value else { preconditionFailure("ThreadResult.set was not called before signalling") }
        return value
    }
}

/// A value handed across threads by code that makes sure only one side uses it at a time.
public struct Unchecked<T>: @unchecked Sendable {
    public let value: T
    public init(_ value: T) { self.value = value }
}
