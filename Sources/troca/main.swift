import TrocaCLI

#if canImport(Glibc)
    import Glibc
#endif

// A closed pipe is reported by write(2) as EPIPE, which troca treats as success.
signal(SIGPIPE, SIG_IGN)
exit(Tool.main(arguments: Array(CommandLine.arguments.dropFirst()), io: .process).rawValue)
