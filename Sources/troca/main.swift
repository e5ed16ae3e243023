import TrocaCLI

#if canImport(Glibc)
    import Glibc
#endif

// A closed pipe is reported by write(2) as EPIPE, which troca treats as success.
signal(SIGPIPE, SIG_IGN)
#if canImport(Glibc)
    // Freed memory stays in the process for the next allocation instead of going back to the
    // kernel, which would hand it out again as fresh zeroed pages (a page fault each): stages
    // that index a whole input (reconcile) or pass large buffers between threads spent up to a
    // fifth of their time re-faulting memory with glibc's defaults (128 KiB thresholds).
    // mallopt(3) is not in Swift's Glibc module: it is looked up (M_TRIM_THRESHOLD is -1,
    // M_MMAP_THRESHOLD -3 in <malloc.h>).
    if let symbol = dlsym(nil, "mallopt") {
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(-1, 256 << 20)
        _ = mallopt(-3, 64 << 20)
    }
#endif
exit(Tool.main(arguments: Array(CommandLine.arguments.dropFirst()), io: .process).rawValue)
