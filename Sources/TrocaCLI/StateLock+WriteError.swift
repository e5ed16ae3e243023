import Watch

extension StateLock {
    /// The lock of a state file a stage changes, its failure a `WriteError` (exit 73 when the
    /// lock file cannot be created, else 74).
    init(lockingBeside path: String, name: String) throws(WriteError) {
        do { try self.init(beside: path, name: name) } catch { throw WriteError(description: error.description) }
    }
}
