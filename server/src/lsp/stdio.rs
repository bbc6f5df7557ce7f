//! The input side of the transport. tower-lsp-server stops reading for
//! good after one undecodable message (tokio-util's `FramedRead` ends the
//! stream after a decoder error), so the server would exit on a single bad
//! frame. This task reads the frames itself and forwards them through a
//! pipe; a body that is not a JSON-RPC message is replaced by a request
//! the server answers with a parse error (`id` kept when the body had one,
//! else `null`), and a header block without a valid `Content-Length` is
//! skipped.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The method of the request that replaces an invalid message.
pub const INVALID_MESSAGE: &str = "bucketguard/invalidMessage";

/// Bodies above this size are refused without being read into memory.
const MAX_BODY: usize = 256 * 1024 * 1024;

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
            let mut line = String::new();
            match input.read_line(&mut line).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
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
                let mut body = vec![0; n];
                input.read_exact(&mut body).await.ok()?;
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

#[cfg(test)]
#[path = "stdio_tests.rs"]
mod tests;
