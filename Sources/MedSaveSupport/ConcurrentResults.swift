import Foundation

/// Results of work done on several threads at once, one slot per piece of work, each written once by the
/// thread that did it and read after all are done.
package final class ConcurrentResults<Value, Failure: Error>: @unchecked Sendable {
    private var results: [Result<Value, Failure>?]
    private let lock = NSLock()

    package init(count: Int) { results = Array(repeating: nil, count: count) }

    package func store(_ k: Int, _ result: Result<Value, Failure>) {
        lock.lock()
        results[k] = result
        lock.unlock()
    }

    /// Slot `k`'s result; nil while nothing is stored there.
    package func result(_ k: Int) -> Result<Value, Failure>? {
        lock.lock()
        defer { lock.unlock() }
        return results[k]
    }

    /// Slot `k`'s value, or its error thrown.
    package func get(_ k: Int) throws(Failure) -> Value { try result(k)!.get() }

    /// Slot `k`'s value, or its error thrown, leaving the slot empty (so that the value is not held twice).
    package func take(_ k: Int) throws(Failure) -> Value {
        lock.lock()
        let result = results[k]!
        results[k] = nil
        lock.unlock()
        return try result.get()
    }
}
