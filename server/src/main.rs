/// mimalloc: most of the analysis is small, short-lived allocations (tree
/// nodes, strings, fix text), where it is markedly faster than the system
/// allocator. See docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bucketguard::cli::main()
}

/// No transparent huge pages for this process. mimalloc commits its arenas
/// eagerly and advises the kernel to back them with transparent huge
/// pages, so each first touch of a 2 MiB range makes all of it resident
/// (and zeroed). For a process that lives for milliseconds, or a server
/// that should stay small, that is memory for nothing: `check` of the
/// generated 250-bucket template peaked at 37 MiB with huge pages and at
/// 16 MiB without, for slightly less CPU (see "Side by side" in
/// docs/performance.md).
///
/// mimalloc's own switch (`allow_thp`) is read when the allocator starts,
/// and it starts before `main` (its constructor has priority 101), where
/// it already touches the first 4 MiB of its arena; so this runs as a
/// constructor of priority 100, before it, and does what mimalloc would:
/// `prctl(PR_SET_THP_DISABLE)` (Linux 3.15+; a failure only leaves huge
/// pages on). Priority 99 is the standard library's (argument capture).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00100"]
static NO_TRANSPARENT_HUGE_PAGES: extern "C" fn() = no_transparent_huge_pages;

#[cfg(target_os = "linux")]
extern "C" fn no_transparent_huge_pages() {
    const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
    extern "C" {
        fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    // SAFETY: PR_SET_THP_DISABLE takes four more unsigned long arguments,
    // all plain values; it changes only this process's memory-management
    // flags and touches no Rust state (nothing is initialised yet).
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            1 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
        );
    }
}
