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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (output, writer) = stdio::Output::start(std::io::stdout());
    runtime.block_on(server::serve(output.clone()));
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
