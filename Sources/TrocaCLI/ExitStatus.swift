/// A process exit status, named as in sysexits(3) and the README's table.
public struct ExitStatus: RawRepresentable, Sendable, Hashable {
    /// The raw value.
    public let rawValue: Int32
    /// Creates a value from its raw value.
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Everything went fine.
    public static let ok = ExitStatus(rawValue: 0)
    /// The run was fine and the answer is "no" (e.g. exceptions found with `--check`).
    public static let no = ExitStatus(rawValue: 1)
    /// The command line was wrong.
    public static let usage = ExitStatus(rawValue: 64)
    /// The input data was wrong: rejected records or a structural error.
    public static let dataError = ExitStatus(rawValue: 65)
    /// An input data file does not exist or cannot be opened.
    public static let noInput = ExitStatus(rawValue: 66)
    /// A bug in Troca.
    public static let software = ExitStatus(rawValue: 70)
    /// An output file cannot be created.
    public static let cantCreate = ExitStatus(rawValue: 73)
    /// Writing failed.
    public static let ioError = ExitStatus(rawValue: 74)
    /// A resource is busy (another `troca watch` holds the folder): try again later.
    public static let tempFail = ExitStatus(rawValue: 75)
    /// A layout or configuration file (rules, index, holidays, ladder, map, template, pipeline)
    /// is wrong, missing or cannot be read.
    public static let config = ExitStatus(rawValue: 78)

    /// The table printed by `troca help` and in the README.
    public static let table: [(ExitStatus, String)] = [
        (.ok, "success"),
        (.no, "ran fine, the answer is no (e.g. exceptions found with --check)"),
        (.usage, "usage error: unknown command or option, missing argument"),
        (.dataError, "bad input data: records rejected, or a structural error in a file"),
        (.noInput, "an input data file is missing or cannot be opened"),
        (.software, "internal error (a bug in troca: please report it)"),
        (.cantCreate, "an output file cannot be created"),
        (.ioError, "an output could not be written"),
        (.tempFail, "busy: another troca watch holds the folder; try again later"),
        (.config, "bad, missing or unreadable layout or configuration file"),
    ]
}
