/// mimalloc: most of the analysis is small, short-lived allocations (tree
/// nodes, strings, fix text), where it is markedly faster than the system
/// allocator. See docs/performance.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    bucketguard::cli::main()
}
