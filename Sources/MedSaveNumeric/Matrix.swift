/// A dense matrix of `Double` stored row-major in one flat buffer.
///
/// Element (i, j) lives at `elements[i * columns + j]`. A value type: copies are cheap until written
/// (copy-on-write through the underlying array). Vectors are plain `[Double]`.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public package(set) var elements: [Double]

    /// A `rows` × `columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over `elements` in row-major order; throws when the count does not match the shape.
    public init(rows: Int, columns: Int, elements: [Double]) throws(NumericError) {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw .shapeMismatch(
                operation: "Matrix(rows:columns:elements:)",
                detail: "\(rows)×\(columns) needs \(max(0, rows * columns)) elements, got \(elements.count)")
        }
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "matrix index out of range")
            elements[row * columns + column] = newValue
        }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Double] {
        Array(elements[(i * columns)..<((i + 1) * columns)])
    }
}

/// Why a numeric routine refused its arguments.
public enum NumericError: Error, Equatable, CustomStringConvertible {
    /// Operand shapes do not fit the operation.
    case shapeMismatch(operation: String, detail: String)
    /// A dimension does not fit BLAS's 32-bit integer.
    case dimensionTooLarge(operation: String, value: Int)
    /// The system has no unique solution (for least squares: fewer distinct months than coefficients).
    case singular(operation: String)

    public var description: String {
        switch self {
        case .shapeMismatch(let operation, let detail):
            "\(operation): shape mismatch: \(detail)"
        case .dimensionTooLarge(let operation, let value):
            "\(operation): dimension \(value) exceeds BLAS's 32-bit limit (\(Int32.max))"
        case .singular(let operation):
            "\(operation): the system is singular (too few distinct months for the model)"
        }
    }
}
