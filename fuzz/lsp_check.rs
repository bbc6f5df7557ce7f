//! The `lsp` fuzz target's check: the real server (`bucketguard::lsp::serve_on`,
//! with its own frame reader) driven in process by a client that plays a
//! sequence of messages decoded from the fuzz input.
//!
//! Input layout: the first byte picks the mode. Mode "raw" (byte % 8 == 0)
//! sends the rest of the input as the byte stream itself (this fuzzes the
//! `Content-Length` frame reader); the server must end when the stream ends.
//! Otherwise the client sends `initialize` (capabilities and options from
//! the next bytes), `initialized`, then up to [`MAX_OPS`] operations
//! (open, change with arbitrary ranges and text, hover, code action, close,
//! configuration, garbage frames, unknown methods, ...), waiting for the
//! answer of every request. At the end a hover must still be answered, and
//! `shutdown` + `exit` must end the server.
//!
//! A panic anywhere (even one the server's guard turns into an error
//! answer) fails the check: the fuzzer's panic hook aborts, and the
//! regression test counts panics with a hook of its own.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

/// Operations played at most per input.
const MAX_OPS: usize = 48;
/// How long the client waits for one answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Count panics (caught or not) from now on; chains the previous hook.
fn count_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
}

/// The documents the client opens: in a folder that does not exist, so the
/// server finds no config file and no other module file on disk.
const URIS: &[&str] = &[
    "file:///bucketguard-fuzz-nonexistent/template.yaml",
    "file:///bucketguard-fuzz-nonexistent/template.json",
    "file:///bucketguard-fuzz-nonexistent/main.tf",
    "file:///bucketguard-fuzz-nonexistent/other.tf",
    "file:///bucketguard-fuzz-nonexistent/main.tf.json",
    "file:///bucketguard-fuzz-nonexistent/terraform.tfvars",
    "file:///bucketguard-fuzz-nonexistent/stack.template",
    "file:///bucketguard-fuzz-nonexistent/%E6%97%A5%20x.yml",
    "untitled:Untitled-1",
];

const LANGUAGES: &[&str] = &[
    "yaml",
    "json",
    "terraform",
    "cloudformation",
    "plaintext",
    "",
    "terraform-vars",
    "jsonc",
];

/// Whole documents to start from (the fuzzer then edits them).
const SAMPLES: &[&str] = &[
    include_str!("../fixtures/cloudformation/S3-111/bad.yaml"),
    include_str!("../fixtures/cloudformation/S3-104/bad.yaml"),
    include_str!("../fixtures/cloudformation/S3-111/bad.json"),
    include_str!("../fixtures/terraform/S3-111/bad_v4_acl/main.tf"),
    include_str!("../fixtures/terraform/S3-101/bad_json/main.tf.json"),
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: データ-📦\r\n      AccessControl: PublicRead\r\n",
    "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"日本-📦\"\n}\nresource \"aws_s3_bucket_acl\" \"a\" {\n  bucket = aws_s3_bucket.b.id\n  acl    = \"public-read\"\n}\n",
];

/// Bits of text the fuzzer can splice in: line breaks, multi-byte
/// characters, syntax.
const SNIPPETS: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "é",
    "日本",
    "📦",
    "\u{feff}",
    "\t",
    "\0",
    "  ",
    ": ",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "!Ref ",
    "<<EOF\n",
    "EOF\n",
    "# bucketguard: ignore[S3-111]\n",
    "      AccessControl: PublicRead\n",
    "  acl = \"public-read\"\n",
    "${",
    "&a ",
    "*a",
];

/// Settings the client offers (initializationOptions, pushed and pulled
/// configuration).
fn settings(i: u8) -> Value {
    match i % 10 {
        0 => json!({"debounceMs": 0}),
        1 => json!({"select": ["ALL"], "debounceMs": 0}),
        2 => json!({"bucketguard": {"ignore": ["S3-111"], "debounceMs": 0}}),
        3 => json!({"maxFileSize": 10}),
        4 => json!({"severity": {"S3-1": "error", "S3-111": "hint"}}),
        5 => json!({"select": "nonsense", "debounceMs": "x"}),
        6 => Value::Null,
        7 => json!([1, 2]),
        8 => json!({"debounceMs": 30, "select": ["S3-101", "S3-111", "public-acl"]}),
        _ => json!({}),
    }
}

/// A reader of the fuzz input; reads past the end give zeros.
struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at >= self.data.len()
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A number: small ones often, and now and then one past any end.
    fn int(&mut self) -> u32 {
        match self.byte() {
            b @ 0..=199 => u32::from(b),
            b @ 200..=249 => u32::from(b - 200) * 256 + u32::from(self.byte()),
            250 => u32::MAX,
            251 => i32::MAX as u32,
            252 => 65_536,
            _ => u32::from(self.byte()) * 1000,
        }
    }

    /// Up to 255 bytes (or, after a 255, up to 64 KiB) of the input.
    fn bytes(&mut self) -> &[u8] {
        let mut n = usize::from(self.byte());
        if n == 255 {
            n = usize::from(self.byte()) << 8 | usize::from(self.byte());
        }
        let start = self.at.min(self.data.len());
        let end = (start + n).min(self.data.len());
        self.at = end;
        &self.data[start..end]
    }

    /// Text: input bytes, a snippet, or a sample document.
    fn text(&mut self) -> String {
        match self.byte() % 8 {
            0 => SNIPPETS[usize::from(self.byte()) % SNIPPETS.len()].to_string(),
            1 => SAMPLES[usize::from(self.byte()) % SAMPLES.len()].to_string(),
            2 => {
                let a = SNIPPETS[usize::from(self.byte()) % SNIPPETS.len()];
                let b = String::from_utf8_lossy(self.bytes()).into_owned();
                format!("{a}{b}")
            }
            _ => String::from_utf8_lossy(self.bytes()).into_owned(),
        }
    }

    fn uri(&mut self) -> &'static str {
        URIS[usize::from(self.byte()) % URIS.len()]
    }

    fn position(&mut self) -> Value {
        json!({"line": self.int(), "character": self.int()})
    }

    fn range(&mut self) -> Value {
        json!({"start": self.position(), "end": self.position()})
    }
}

/// The server's output, as the client sees it.
struct Sink(mpsc::UnboundedSender<Vec<u8>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = self.0.send(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Client {
    to_server: tokio::io::DuplexStream,
    from_server: mpsc::UnboundedReceiver<Vec<u8>>,
    pending: Vec<u8>,
    next_id: i64,
    /// The last diagnostics published per URI.
    published: HashMap<String, Value>,
    /// What the client answers to `workspace/configuration`.
    config: Value,
    /// Versions sent per URI.
    versions: HashMap<&'static str, i64>,
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

impl Client {
    async fn raw(&mut self, bytes: &[u8]) {
        // The server may have gone (e.g. after `exit`): then there is
        // nobody to write to, which the final checks notice.
        let _ = self.to_server.write_all(bytes).await;
    }

    async fn send(&mut self, message: &Value) {
        let body = message.to_string();
        self.raw(&frame(body.as_bytes())).await;
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Send a request and wait for its answer.
    async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        match self.answer(&json!(id)).await {
            Some(answer) => answer,
            None => panic!("the server did not answer {method} (id {id})"),
        }
    }

    /// The next whole frame's body from the server.
    async fn next_message(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.pending.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.pending[..end]).into_owned();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|n| n.trim().parse().ok())
                    .unwrap_or_else(|| {
                        panic!("the server wrote a frame without a length: {head:?}")
                    });
                if self.pending.len() >= end + 4 + length {
                    let rest = self.pending.split_off(end + 4 + length);
                    let frame = std::mem::replace(&mut self.pending, rest);
                    let body = &frame[end + 4..];
                    return Some(serde_json::from_slice(body).unwrap_or_else(|e| {
                        panic!(
                            "the server wrote a body that is not JSON ({e}): {:?}",
                            String::from_utf8_lossy(body)
                        )
                    }));
                }
            }
            let chunk = self.from_server.recv().await?;
            self.pending.extend_from_slice(&chunk);
        }
    }

    /// Read messages until the answer to request `id`; answer the server's
    /// own requests and note published diagnostics on the way.
    async fn answer(&mut self, id: &Value) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + ANSWER_TIMEOUT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.next_message())
                .await
                .ok()??;
            self.note(&message).await;
            if message.get("method").is_none() && message.get("id") == Some(id) {
                return Some(message);
            }
        }
    }

    /// Read what the server has written so far, without waiting.
    async fn drain(&mut self) {
        while let Ok(Some(message)) =
            tokio::time::timeout(Duration::from_millis(0), self.next_message()).await
        {
            self.note(&message).await;
        }
    }

    async fn note(&mut self, message: &Value) {
        let method = message.get("method").and_then(Value::as_str);
        match (method, message.get("id")) {
            (Some("textDocument/publishDiagnostics"), None) => {
                let uri = message.pointer("/params/uri").and_then(Value::as_str);
                let diags = message.pointer("/params/diagnostics").cloned();
                if let (Some(uri), Some(diags)) = (uri, diags) {
                    self.published.insert(uri.to_string(), diags);
                }
            }
            (Some("workspace/configuration"), Some(id)) => {
                let result = json!([self.config.clone()]);
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}))
                    .await;
            }
            (Some(_), Some(id)) => {
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
            }
            _ => {}
        }
    }

    fn version(&mut self, uri: &'static str) -> i64 {
        let v = self.versions.entry(uri).or_insert(0);
        *v += 1;
        *v
    }

    async fn initialize(&mut self, c: &mut Cursor<'_>) {
        let flags = c.byte();
        let mut encodings = vec!["utf-16"];
        if flags & 1 != 0 {
            encodings.insert(0, "utf-8");
        }
        if flags & 2 != 0 {
            encodings.insert(0, "utf-32");
        }
        self.config = settings(c.byte());
        let params = json!({
            "processId": null,
            "rootUri": null,
            "capabilities": {
                "general": {"positionEncodings": encodings},
                "workspace": {
                    "configuration": flags & 16 != 0,
                    "didChangeWatchedFiles": {"dynamicRegistration": flags & 32 != 0},
                    "workspaceEdit": {"snippetEditSupport": flags & 4 != 0},
                },
                "experimental": {"snippetTextEdit": flags & 8 != 0},
            },
            "initializationOptions": settings(c.byte()),
            "trace": if flags & 64 != 0 { "verbose" } else { "off" },
        });
        if flags & 128 != 0 {
            // Requests before `initialize`.
            self.request("textDocument/hover", json!({})).await;
        }
        self.request("initialize", params).await;
        self.notify("initialized", json!({})).await;
    }

    async fn op(&mut self, c: &mut Cursor<'_>) {
        match c.byte() % 16 {
            0 | 1 => {
                let uri = c.uri();
                let version = self.version(uri);
                let language = LANGUAGES[usize::from(c.byte()) % LANGUAGES.len()];
                let text = c.text();
                self.notify(
                    "textDocument/didOpen",
                    json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
                )
                .await;
            }
            2..=4 => {
                let uri = c.uri();
                let version = match c.byte() % 8 {
                    0 => i64::from(c.int()) - 3,
                    _ => self.version(uri),
                };
                let mut changes = Vec::new();
                for _ in 0..=c.byte() % 4 {
                    if c.byte() % 8 == 0 {
                        changes.push(json!({"text": c.text()}));
                    } else {
                        changes.push(json!({"range": c.range(), "text": c.text()}));
                    }
                }
                self.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
                )
                .await;
            }
            5 | 6 => {
                let uri = c.uri();
                let position = c.position();
                self.request(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": uri}, "position": position}),
                )
                .await;
            }
            7 | 8 => self.code_action(c).await,
            9 => {
                let uri = c.uri();
                self.notify(
                    "textDocument/didClose",
                    json!({"textDocument": {"uri": uri}}),
                )
                .await;
            }
            10 => {
                let pushed = c.byte();
                self.config = settings(c.byte());
                let params = if pushed % 2 == 0 {
                    json!({"settings": {"bucketguard": settings(pushed / 2)}})
                } else {
                    json!({"settings": null})
                };
                self.notify("workspace/didChangeConfiguration", params)
                    .await;
            }
            11 => {
                // A frame whose body is anything.
                let body = c.bytes().to_vec();
                self.raw(&frame(&body)).await;
            }
            12 => {
                // A header block the reader must skip: no `:`, so no length.
                let mut head: Vec<u8> = c.bytes().iter().copied().filter(|b| *b != b':').collect();
                head.extend_from_slice(b"\r\n\r\n");
                self.raw(&head).await;
            }
            13 => {
                let method = match c.byte() % 6 {
                    0 => "bucketguard/unknown".to_string(),
                    1 => "textDocument/hover".to_string(),
                    2 => "textDocument/codeAction".to_string(),
                    3 => "$/cancelRequest".to_string(),
                    4 => "$/setTrace".to_string(),
                    _ => String::from_utf8_lossy(c.bytes()).into_owned(),
                };
                if method == "exit" {
                    // Ends the server, as it should.
                    return;
                }
                // Parameters of the wrong shape, or none.
                let params = match c.byte() % 4 {
                    0 => json!({"textDocument": 5, "position": "x", "id": 1, "value": "verbose"}),
                    1 => json!([]),
                    2 => Value::Null,
                    _ => json!(String::from_utf8_lossy(c.bytes())),
                };
                if c.byte() % 2 == 0 {
                    self.request(&method, params).await;
                } else {
                    self.notify(&method, params).await;
                }
            }
            14 => {
                let uri = c.uri();
                let kind = c.byte() % 5;
                self.notify(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": uri, "type": kind}]}),
                )
                .await;
            }
            _ => {
                // A request with an odd id.
                let id = match c.byte() % 4 {
                    0 => json!("a string id"),
                    1 => json!(i64::MAX),
                    2 => json!(-1),
                    _ => json!(1.5),
                };
                let uri = c.uri();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
                    "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}}))
                    .await;
            }
        }
    }

    async fn code_action(&mut self, c: &mut Cursor<'_>) {
        let uri = c.uri();
        let how = c.byte();
        if how & 1 != 0 {
            // Give the server a moment to publish the current version.
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        self.drain().await;
        let published = self
            .published
            .get(uri)
            .cloned()
            .unwrap_or_else(|| json!([]));
        let diagnostics = match (how >> 1) % 4 {
            0 | 1 => published,
            2 => json!([{"range": c.range(), "message": "m", "code": "S3-111",
                         "data": {"version": c.int(), "fix": {"title": "t"}}}]),
            _ => json!([]),
        };
        let only = match (how >> 3) % 6 {
            0 => Value::Null,
            1 => json!(["quickfix"]),
            2 => json!(["source.fixAll"]),
            3 => json!(["source"]),
            4 => json!(["source.fixAll.bucketguard", "quickfix"]),
            _ => json!(["refactor"]),
        };
        let range = c.range();
        self.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range,
                   "context": {"diagnostics": diagnostics, "only": only}}),
        )
        .await;
    }
}

/// `lsp` target: see the module documentation.
pub fn lsp(data: &[u8]) {
    count_panics();
    let before = PANICS.load(Ordering::SeqCst);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => panic!("cannot start a runtime: {e}"),
    };
    runtime.block_on(play(data));
    runtime.shutdown_timeout(Duration::from_secs(2));
    assert_eq!(
        PANICS.load(Ordering::SeqCst),
        before,
        "the server panicked (see above)"
    );
}

async fn play(data: &[u8]) {
    let (to_server, server_input) = tokio::io::duplex(1 << 16);
    let (tx, from_server) = mpsc::unbounded_channel();
    let server = tokio::spawn(bucketguard::lsp::serve_on(server_input, Sink(tx)));
    let mut client = Client {
        to_server,
        from_server,
        pending: Vec::new(),
        next_id: 0,
        published: HashMap::new(),
        config: json!({}),
        versions: HashMap::new(),
    };
    let mut c = Cursor { data, at: 0 };
    if c.byte() % 8 == 0 {
        // Raw mode: the rest is the byte stream; its end ends the server.
        client.raw(&data[1.min(data.len())..]).await;
        drop(client);
        match tokio::time::timeout(ANSWER_TIMEOUT, server).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("the server task failed: {e}"),
            Err(_) => panic!("the server did not end with its input"),
        }
        return;
    }
    client.initialize(&mut c).await;
    let mut ops = 0;
    while !c.done() && ops < MAX_OPS {
        client.op(&mut c).await;
        ops += 1;
    }
    // Still answering.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URIS[0]}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(
        hover.get("result").is_some() || hover.get("error").is_some(),
        "not an answer: {hover}"
    );
    client.request("shutdown", Value::Null).await;
    client.notify("exit", Value::Null).await;
    match tokio::time::timeout(ANSWER_TIMEOUT, server).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("the server task failed: {e}"),
        Err(_) => panic!("the server did not end after exit"),
    }
}
