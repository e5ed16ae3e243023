import FixedWidth
import TrocaCLI

#if canImport(Glibc)
    import Glibc
#endif

// A closed pipe is reported by write(2) as EPIPE, which troca treats as success.
signal(SIGPIPE, SIG_IGN)
// A write past the file-size limit (ulimit -f) is reported by write(2) as EFBIG, an output error
// (exit 74) that removes the temporary file, instead of a signal that kills troca and leaves it.
signal(SIGXFSZ, SIG_IGN)
#if canImport(Glibc)
    // Freed memory stays in the process for the next allocation instead of going back to the
    // kernel, which would hand it out again as fresh zeroed pages (a page fault each): stages
    // that index a whole input (reconcile) or pass large buffers between threads spent up to a
    // fifth of their time re-faulting memory with glibc's defaults (128 KiB thresholds, adjusted
    // as blocks are freed). An operator's own malloc settings (GLIBC_TUNABLES, MALLOC_*) win.
    // mallopt(3) is not in Swift's Glibc module, so it is looked up; M_TRIM_THRESHOLD is -1 and
    // M_MMAP_THRESHOLD -3 in <malloc.h>. Setting either stops glibc's own adjustment, so both are
    // set, the mmap threshold first and within the 32 MiB every glibc accepts; if it is refused,
    // the trim threshold is left alone and glibc keeps adjusting.
    var tuned = false
    var entry = environ
    while let text = entry.pointee {
        let name = String(cString: text)
        if name.hasPrefix("GLIBC_TUNABLES=") || name.hasPrefix("MALLOC_") { tuned = true }
        entry += 1
    }
    if !tuned, let symbol = dlsym(nil, "mallopt") {
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        if mallopt(-3, 32 << 20) == 1 { _ = mallopt(-1, 128 << 20) }
    }
#endif
// SIGTERM or SIGINT: outputs not yet committed leave no temporary file (MappedInput).
MappedInput.removeTemporariesWhenStopped()
exit(Tool.main(arguments: Array(CommandLine.arguments.dropFirst()), io: .process).rawValue)
