//! The language server: `bucketguard server` speaks LSP 3.17 over stdio.
//!
//! This is the only module that knows the protocol (and the only one using
//! tokio and tower-lsp-server). It holds no analysis logic: documents are
//! analysed by [`crate::analysis::analyze`] with settings found by
//! [`crate::project::ConfigCache`], exactly as `check` does; a Terraform
//! document by [`crate::analysis::analyze_module`] with the rest of its
//! module (open documents' text, the other files from disk).

mod carry;
mod convert;
mod document;
mod options;
mod server;
mod service;
mod stdio;

use anyhow::Result;

/// Serve LSP on stdin/stdout until the client sends `exit`. Logs go to
/// stderr.
pub fn run() -> Result<u8> {
    return_memory_promptly();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_keep_alive(BLOCKING_KEEP_ALIVE)
        .enable_all()
        .build()?;
    let (output, writer) = stdio::Output::start(std::io::stdout());
    runtime.block_on(server::serve(tokio::io::stdin(), output.clone()));
    // The stdin reader may sit in a blocking read: do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    // Write what is queued, but do not hang on a client that stopped reading.
    output.stop();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while !writer.is_finished() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    Ok(0)
}

/// The server of [`run`] in process: reads frames from `input` until the
/// client sends `exit` or the input ends, and writes whole frames to
/// `sink` (from a thread of its own, as `run` writes to stdout). For tests
/// and the fuzz target; must be awaited inside a tokio runtime.
pub async fn serve_on(
    input: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    sink: impl std::io::Write + Send + 'static,
) {
    let (output, _writer) = stdio::Output::start(sink);
    server::serve(input, output.clone()).await;
    output.stop();
}

/// The binary allocates with mimalloc, which by default keeps freed pages
/// for a while (10 ms, and ten times that for its arenas) and commits
/// arenas eagerly: right for a short `check`, but a long-running server
/// holding many documents should hand freed memory back sooner. With
/// these settings 100 open 250-bucket templates take about 86 MiB instead
/// of 115 MiB (`cargo bench --bench lsp -- lsp_memory`); purging at once
/// (delay 0) saves more memory but costs the next analysis its page
/// faults. The option ids are the positions in mimalloc v3's
/// `mi_option_e` (`mimalloc.h`); libmimalloc-sys is pinned in Cargo.lock.
/// Called before any thread starts (the setters are not thread-safe);
/// harmless when another allocator is in use (the unit tests).
fn return_memory_promptly() {
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const ARENA_PURGE_MULT: libmimalloc_sys::mi_option_t = 24;
    // SAFETY: plain setters of mimalloc's global options, called while the
    // process has one thread.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        libmimalloc_sys::mi_option_set(ARENA_PURGE_MULT, 1);
    }
}

/// How long an idle blocking thread (analyses run on them) is kept: when
/// it ends, mimalloc takes back the pages its heap still held.
const BLOCKING_KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(1);

/// How long the server must have been idle (no analysis ended, no
/// document closed) before [`release_memory`]: longer than
/// [`BLOCKING_KEEP_ALIVE`], so the analyses' threads have ended.
pub(crate) const RELEASE_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Hand the calling thread's freed pages back to the system, forced, at
/// the end of each analysis: analyses move between the blocking pool's
/// threads, each with its own heap, and a heap purges only when its thread
/// allocates again. Without it the server with one 250-bucket template
/// open peaked at 27 MiB over 20 edits; with it, 23 MiB, at no measurable
/// cost per edit (`benches/side-by-side`).
pub(crate) fn collect_thread_heap() {
    // SAFETY: `mi_collect` may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Hand the memory mimalloc holds free back to the system now. mimalloc
/// purges freed memory only from inside its own calls, once the purge
/// delay has passed: a server that goes idle after a burst (or after its
/// documents were closed) would otherwise keep its peak for good (150 MiB
/// after closing the 200 documents of `cargo bench --bench lsp_load`).
/// Called by the server once it has been idle for [`RELEASE_AFTER`].
pub(crate) fn release_memory() {
    // SAFETY: `mi_collect` may be called from any thread at any time; it
    // collects the calling thread's heap and, forced, purges every arena.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
