//! A client of the real `bucketguard server` over stdio, speaking to it
//! like an editor: LSP frames written to its stdin, frames read from its
//! stdout on a thread into a channel. Shared by `tests/lsp.rs`,
//! `tests/lsp_load.rs` and `benches/lsp.rs`, and its frame reader by
//! `tests/hostile.rs` (included with `#[path]`, so it is not a module of
//! `tests/common/mod.rs`).
//!
//! Each message is parsed once into `M`: a `serde_json::Value` for the
//! tests, a typed struct for the bench (a `Value` tree of a megabyte of
//! diagnostics would make the client, not the server, the slowest part).
//! Every wait is bounded by the client's `timeout`.
#![allow(dead_code)]

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// What the client needs to know of any message to match responses.
pub trait Message {
    /// The `id` of a request or response.
    fn id(&self) -> Option<&Value>;
    /// The `method` of a request or notification.
    fn method(&self) -> Option<&str>;
    /// The `result` of a response.
    fn result(&self) -> Option<&Value>;
    /// The `error` of a response.
    fn error(&self) -> Option<&Value>;
}

impl Message for Value {
    fn id(&self) -> Option<&Value> {
        self.get("id")
    }

    fn method(&self) -> Option<&str> {
        self.get("method").and_then(Value::as_str)
    }

    fn result(&self) -> Option<&Value> {
        self.get("result")
    }

    fn error(&self) -> Option<&Value> {
        self.get("error")
    }
}

/// Read one frame (`Content-Length` header, blank line, JSON body) and
/// parse its body; `None` at the end of the stream or for a frame the
/// client cannot read (the reader thread then stops, and every later wait
/// fails at once instead of hiding it).
pub fn read_message<M: DeserializeOwned>(r: &mut impl BufRead) -> Option<M> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).ok()?;
    serde_json::from_slice(&buf).ok()
}

/// A started `bucketguard server` and its output channel.
pub struct Client<M = Value> {
    pub child: Child,
    pub stdin: ChildStdin,
    pub rx: Receiver<M>,
    /// Messages received while waiting for something else
    /// ([`Client::wait_for`] keeps them; [`Client::skip_to`] does not).
    pub seen: Vec<M>,
    /// The bound of every wait.
    pub timeout: Duration,
    next_id: i64,
}

impl<M: Message + DeserializeOwned + Send + 'static> Client<M> {
    /// Start `bucketguard server` (the binary Cargo built for this test or
    /// bench), its stderr going to `stderr`.
    pub fn start(stderr: Stdio, timeout: Duration) -> Client<M> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bucketguard"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start bucketguard server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut r) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            seen: Vec::new(),
            timeout,
            next_id: 1,
        }
    }

    /// Write `body` as one frame, whatever it holds.
    pub fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write");
        self.stdin.flush().expect("flush");
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_raw(&msg.to_string());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request; its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Send a request and wait for its response (other messages are kept).
    pub fn request_message(&mut self, method: &str, params: Value) -> M {
        let id = json!(self.send_request(method, params));
        self.wait_for(method, |m| m.id() == Some(&id) && m.method().is_none())
    }

    /// The first message matching `pred`, from those kept or the next ones;
    /// the others are kept. Panics after `timeout`.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&M) -> bool) -> M {
        if let Some(i) = self.seen.iter().position(&pred) {
            return self.seen.remove(i);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) if pred(&msg) => return msg,
                Ok(msg) => self.seen.push(msg),
                Err(e) => panic!("no {what} ({e}); {} other messages kept", self.seen.len()),
            }
        }
    }

    /// The next message matching `pred`; the others are dropped. Panics
    /// after `timeout`.
    pub fn skip_to(&mut self, what: &str, pred: impl Fn(&M) -> bool) -> M {
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(msg) if pred(&msg) => return msg,
                Ok(_) => {}
                Err(e) => panic!("no {what} ({e})"),
            }
        }
    }

    /// Keep every message received so far.
    pub fn drain(&mut self) {
        while let Ok(m) = self.rx.try_recv() {
            self.seen.push(m);
        }
    }

    /// A `kB` field of the server's `/proc/PID/status` (`VmRSS`,
    /// `RssAnon`, `VmHWM`…), in KiB.
    pub fn status_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// `shutdown` (answered with `null`), `exit`, and the process ends
    /// with success within `timeout`.
    pub fn shutdown(mut self) {
        let r = self.request_message("shutdown", Value::Null);
        assert!(r.error().is_none(), "shutdown failed: {:?}", r.error());
        assert!(r.result().is_none_or(Value::is_null), "{:?}", r.result());
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "server exited with {status}");
                return;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Client<Value> {
    /// Send a request and return its result; fails on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_message(method, params);
        assert!(resp.get("error").is_none(), "{method} failed: {resp}");
        resp["result"].clone()
    }

    /// The diagnostics of the first `publishDiagnostics` of `version`.
    pub fn diagnostics(&mut self, version: i64) -> Vec<Value> {
        let msg = self.wait_for(&format!("diagnostics of version {version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `initialize` with `capabilities` and `options` as
    /// `initializationOptions`, then `initialized`; the result.
    pub fn initialize_with(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }
}

impl<M> Drop for Client<M> {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The LSP position of byte `offset`: its line, and its column in UTF-8
/// or UTF-16 units; independent of the server's line index. The test
/// texts use LF only.
pub fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let seg = &text[line_start..offset];
    let col = if utf8 {
        seg.len()
    } else {
        seg.encode_utf16().count()
    };
    json!({"line": line, "character": col})
}
