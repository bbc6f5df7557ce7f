//! The transport.
//!
//! Input: tower-lsp-server stops reading for good after one undecodable
//! message (tokio-util's `FramedRead` ends the stream after a decoder
//! error), so the server would exit on a single bad frame. This task reads
//! the frames itself and forwards them through a pipe; a body that is not a
//! JSON-RPC message is replaced by a request the server answers with a
//! parse error (`id` kept when the body had one, else `null`), and a header
//! block without a valid `Content-Length` is skipped.
//!
//! Output: one thread writes whole frames to stdout, in the order they were
//! queued, from two sources: the library (its byte stream is cut into
//! frames by [`LibraryOutput`]) and the server's own `publishDiagnostics`
//! frames, which are serialised once, straight from the analysis
//! ([`Output::send`]), instead of through the library's `serde_json::Value`
//! tree: for a large template that tree cost more than the analysis.

use serde_json::{json, Value};
use std::io::Write as _;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method of the request that replaces an invalid message.
pub const INVALID_MESSAGE: &str = "bucketguard/invalidMessage";

/// Bodies above this size are refused without being read into memory.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// Longest header line read at once; a longer one makes its frame invalid.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// A reader of the sanitised frames of `input`.
pub fn sanitized(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    let (mut pipe, reader) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut input = BufReader::new(input);
        while let Some(body) = read_frame(&mut input).await {
            let body = sanitize(body);
            let head = format!("Content-Length: {}\r\n\r\n", body.len());
            if pipe.write_all(head.as_bytes()).await.is_err()
                || pipe.write_all(&body).await.is_err()
            {
                break;
            }
        }
    });
    reader
}

/// The next frame's body; `None` at the end of the input.
async fn read_frame<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> Option<Vec<u8>> {
    loop {
        let mut length: Option<usize> = None;
        let mut valid = true;
        loop {
            // Header lines are read as bytes and at most MAX_HEADER_LINE at a
            // time: garbage without line ends costs bounded memory, and
            // bytes that are not UTF-8 make the frame invalid, not the end.
            let mut raw = Vec::new();
            match (&mut *input)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut raw)
                .await
            {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            valid &= raw.ends_with(b"\n");
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            match line.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse().ok();
                    valid &= length.is_some();
                }
                Some(_) => {}
                None => valid = false,
            }
        }
        match length {
            Some(n) if valid && n <= MAX_BODY => {
                // Grown as the bytes arrive: a header that claims 256 MB
                // and sends a few bytes costs those bytes, not 256 MB.
                let mut body = Vec::with_capacity(n.min(64 * 1024));
                (&mut *input)
                    .take(n as u64)
                    .read_to_end(&mut body)
                    .await
                    .ok()?;
                if body.len() < n {
                    return None; // the input ended inside the body
                }
                return Some(body);
            }
            _ => eprintln!("bucketguard: skipped a message without a valid Content-Length"),
        }
    }
}

/// The body unchanged when it is a JSON-RPC message, else a replacement.
fn sanitize(body: Vec<u8>) -> Vec<u8> {
    if serde_json::from_slice::<Request>(&body).is_ok()
        || serde_json::from_slice::<Response>(&body).is_ok()
    {
        return body;
    }
    eprintln!("bucketguard: received a message that is not JSON-RPC");
    let id = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("id").cloned())
        .filter(|id| id.is_string() || id.is_i64())
        .unwrap_or(Value::Null);
    json!({"jsonrpc": "2.0", "id": id, "method": INVALID_MESSAGE})
        .to_string()
        .into_bytes()
}

enum Out {
    Frame(Vec<u8>),
    /// A header and a body in parts, written one after the other.
    Parts(Vec<Vec<u8>>),
    Stop,
}

/// A handle to the output thread: queues whole frames.
#[derive(Clone)]
pub struct Output {
    tx: mpsc::Sender<Out>,
}

/// Frame `body` for the wire: `Content-Length` header, then the body.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 32);
    // Writing to a Vec cannot fail.
    let _ = write!(out, "Content-Length: {}\r\n\r\n", body.len());
    out.extend_from_slice(body);
    out
}

impl Output {
    /// Start the thread writing to `sink`; the handle joins it.
    pub fn start(
        mut sink: impl std::io::Write + Send + 'static,
    ) -> (Output, std::thread::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel::<Out>();
        let thread = std::thread::spawn(move || loop {
            let written = match rx.recv() {
                Ok(Out::Frame(f)) => sink.write_all(&f),
                Ok(Out::Parts(parts)) => parts.iter().try_for_each(|p| sink.write_all(p)),
                Ok(Out::Stop) | Err(_) => break,
            };
            if written.and_then(|()| sink.flush()).is_err() {
                break;
            }
        });
        (Output { tx }, thread)
    }

    /// Queue one framed message (see [`frame`]).
    pub fn send(&self, framed: Vec<u8>) {
        let _ = self.tx.send(Out::Frame(framed));
    }

    /// Queue one message whose body is `body`'s parts in order (see
    /// [`super::convert::publish_parts`]): framed here, not copied.
    pub fn send_parts(&self, body: Vec<Vec<u8>>) {
        let len: usize = body.iter().map(Vec::len).sum();
        let mut parts = Vec::with_capacity(body.len() + 1);
        parts.push(format!("Content-Length: {len}\r\n\r\n").into_bytes());
        parts.extend(body);
        let _ = self.tx.send(Out::Parts(parts));
    }

    /// Let the thread end once everything queued before is written.
    pub fn stop(&self) {
        let _ = self.tx.send(Out::Stop);
    }

    /// The writer handed to the library.
    pub fn library(&self) -> LibraryOutput {
        LibraryOutput {
            out: self.clone(),
            pending: Vec::new(),
        }
    }
}

/// The library's output: its bytes are cut into whole frames (it writes
/// `Content-Length: N\r\n\r\n` and N bytes, possibly over several
/// writes), which are queued as they complete, so they never interleave
/// with the server's own frames.
pub struct LibraryOutput {
    out: Output,
    pending: Vec<u8>,
}

impl LibraryOutput {
    fn split_frames(&mut self) {
        loop {
            let Some(head_end) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") else {
                return;
            };
            let head = String::from_utf8_lossy(&self.pending[..head_end]);
            let length = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())
                    .flatten()
            });
            let Some(length) = length else {
                // Not a frame the library would write: pass it on as is.
                self.out.send(std::mem::take(&mut self.pending));
                return;
            };
            let end = head_end + 4 + length;
            if self.pending.len() < end {
                return;
            }
            let rest = self.pending.split_off(end);
            self.out.send(std::mem::replace(&mut self.pending, rest));
        }
    }
}

impl AsyncWrite for LibraryOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.pending.extend_from_slice(buf);
        this.split_frames();
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
#[path = "stdio_tests.rs"]
mod tests;
