import FixedWidth
import Records

/// Formats títulos left as holes in the output (`RecordWriter.hole`) on a worker thread: a
/// snapshot of the engine's programs and reason tables, and a payload per título of
/// `[program, reasons, count]` (three `Int32`, padded to 16 bytes) followed by its lines.
final class TituloFiller: HoleFiller {
    let programs: [ShapeProgram]
    let reasons: [ReasonTexts]
    /// The same, held by the arrays above, for use with no retain and release per título: the
    /// threads share them, and each count is an atomic operation on memory both threads write.
    let programRefs: [Unmanaged<ShapeProgram>]
    let reasonRefs: [Unmanaged<ReasonTexts>]
    let recordLength: Int

    init(programs: [ShapeProgram], reasons: [ReasonTexts], recordLength: Int) {
        self.programs = programs
        self.reasons = reasons
        programRefs = programs.map { Unmanaged.passUnretained($0) }
        reasonRefs = reasons.map { Unmanaged.passUnretained($0) }
        self.recordLength = recordLength
    }

    static let header = 16

    /// Appends one título's payload.
    static func appendPayload(program: Int, reasons: Int, count: Int, lines: UnsafeBufferPointer<UInt8>, to payload: inout ByteBuffer) {
        payload.reserve(header + lines.count)
        let at = UnsafeMutableRawPointer(payload.base + payload.count)
        at.storeBytes(of: Int32(program), toByteOffset: 0, as: Int32.self)
        at.storeBytes(of: Int32(reasons), toByteOffset: 4, as: Int32.self)
        at.storeBytes(of: Int32(count), toByteOffset: 8, as: Int32.self)
        at.storeBytes(of: Int32(0), toByteOffset: 12, as: Int32.self)
        payload.count += header
        payload.appendBytes(lines)
    }

    func fill(_ payload: UnsafeRawPointer, into out: inout ByteBuffer) {
        let program = Int(payload.loadUnaligned(fromByteOffset: 0, as: Int32.self))
        let reasonIndex = Int(payload.loadUnaligned(fromByteOffset: 4, as: Int32.self))
        let count = Int(payload.loadUnaligned(fromByteOffset: 8, as: Int32.self))
        let lines = UnsafeBufferPointer(start: (payload + Self.header).assumingMemoryBound(to: UInt8.self), count: count * recordLength)
        programRefs.withUnsafeBufferPointer { programs in
            reasonRefs.withUnsafeBufferPointer { reasons in
                programs[program]._withUnsafeGuaranteedRef { program in
                    if reasonIndex >= 0 {
                        reasons[reasonIndex]._withUnsafeGuaranteedRef {
                            program.emit(store: lines, into: &out, reasons: $0)
                        }
                    } else {
                        program.emit(store: lines, into: &out, reasons: nil)
                    }
                }
            }
        }
    }
}
