//! The `LanguageServer` implementation: document state, scheduling of
//! analyses, publishing, hover and code actions.

use super::carry;
use super::convert::{self, DiagnosticData, FixData, Positions};
use super::document::{Change, Document};
use super::options::{self, Options};
use super::service::{Guard, EDIT_KEY};
use crate::analysis::{self, FileKind};
use crate::docs;
use crate::fix::Applicability;
use crate::hover;
use crate::project::ConfigCache;
use crate::rules;
use crate::settings::Settings;
use crate::text::{Encoding, LineIndex, Span};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// The code action kind of "apply every safe fix".
pub const FIX_ALL: lsp::CodeActionKind = lsp::CodeActionKind::new("source.fixAll.bucketguard");

pub async fn serve() {
    let stdin = super::stdio::sanitized(tokio::io::stdin());
    let stdout = tokio::io::stdout();
    let (service, socket) = LspService::build(Backend::new)
        .custom_method(super::stdio::INVALID_MESSAGE, Backend::invalid_message)
        .custom_method("$/setTrace", Backend::set_trace)
        .finish();
    Server::new(stdin, stdout, socket)
        .serve(Guard::new(service))
        .await;
}

/// The result of analysing one version of a document.
#[derive(Debug)]
struct Snapshot {
    version: i32,
    kind: Option<FileKind>,
    text: String,
    index: LineIndex,
    diagnostics: Vec<analysis::Diagnostic>,
}

impl Snapshot {
    fn positions(&self, encoding: Encoding) -> Positions<'_> {
        Positions {
            text: &self.text,
            index: &self.index,
            encoding,
        }
    }
}

struct Open {
    doc: Document,
    /// The last analysis published for this document.
    last: Option<Arc<Snapshot>>,
    /// The last analysis of a version that parsed.
    last_good: Option<Arc<Snapshot>>,
    /// Bumped by every scheduled analysis: only the latest may publish.
    generation: u64,
}

#[derive(Default)]
struct State {
    encoding: Encoding,
    options: Options,
    docs: HashMap<lsp::Uri, Open>,
    /// The client can watch config files for us (dynamic registration).
    can_watch: bool,
    /// The client answers `workspace/configuration`.
    can_pull_config: bool,
    /// The `initializationOptions`, under the settings sent later.
    init_options: serde_json::Value,
    /// The client accepts snippet text edits in code actions
    /// (`experimental.snippetTextEdit`).
    snippets: bool,
}

struct Inner {
    client: Client,
    state: Mutex<State>,
    configs: ConfigCache,
    /// Held while checking a result is current and publishing it, so an
    /// older version can never be published after a newer one.
    publish: tokio::sync::Mutex<()>,
    /// The client's trace level (`$/setTrace`): 0 off, 1 messages,
    /// 2 verbose.
    trace: AtomicU8,
}

#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

/// What an analysis needs, taken from a document at one version.
struct Job {
    uri: lsp::Uri,
    version: i32,
    text: String,
    language_id: String,
    base: Settings,
    max_file_size: usize,
}

/// The code of the one diagnostic of a document too large to analyse.
pub const FILE_TOO_LARGE: &str = "file-too-large";

fn internal(what: &str) -> Error {
    let mut e = Error::internal_error();
    e.message = format!("bucketguard: internal error in {what}").into();
    e
}

/// Run `f`, turning a panic into a request error.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        eprintln!("bucketguard: panic in {what}");
        internal(what)
    })
}

fn file_path(uri: &lsp::Uri) -> PathBuf {
    uri.to_file_path()
        .map(|p| p.into_owned())
        .unwrap_or_else(|| PathBuf::from(uri.path().as_str()))
}

fn analyze_job(job: &Job, configs: &ConfigCache) -> Snapshot {
    let path = file_path(&job.uri);
    let settings = match configs.for_file(&path) {
        Ok(Some(c)) => c.config.settings.merged_with(&job.base),
        Ok(None) => job.base.clone(),
        Err(e) => {
            eprintln!("bucketguard: {e}");
            job.base.clone()
        }
    };
    if job.text.len() > job.max_file_size {
        return Snapshot {
            version: job.version,
            kind: None,
            index: LineIndex::new(&job.text),
            text: job.text.clone(),
            diagnostics: vec![analysis::Diagnostic {
                code: FILE_TOO_LARGE.to_string(),
                span: Span::empty(0),
                severity: rules::Severity::Info,
                message: format!(
                    "not checked: the file has {} bytes, more than `maxFileSize` ({})",
                    job.text.len(),
                    job.max_file_size
                ),
                resource: None,
                related: Vec::new(),
                fix: None,
            }],
        };
    }
    let name = path.to_string_lossy();
    let kind = FileKind::detect(&name, &job.text).or(match job.language_id.as_str() {
        "yaml" => Some(FileKind::Yaml),
        "json" | "jsonc" => Some(FileKind::Json),
        _ => None,
    });
    let result = match kind {
        Some(k) => analysis::analyze_as(k, &job.text, &settings),
        None => analysis::Analysis::default(),
    };
    Snapshot {
        version: job.version,
        kind,
        index: LineIndex::new(&job.text),
        text: job.text.clone(),
        diagnostics: result.diagnostics,
    }
}

impl Backend {
    fn new(client: Client) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                client,
                state: Mutex::new(State::default()),
                configs: ConfigCache::new(),
                publish: tokio::sync::Mutex::new(()),
                trace: AtomicU8::new(0),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What to analyse for `uri`; `None` when the document is closed or
    /// the work of `generation` has been superseded.
    fn job(&self, uri: &lsp::Uri, generation: Option<u64>) -> Option<Job> {
        let st = self.state();
        let open = st.docs.get(uri)?;
        if generation.is_some_and(|g| g != open.generation) {
            return None;
        }
        Some(Job {
            uri: uri.clone(),
            version: open.doc.version(),
            text: open.doc.text(),
            language_id: open.doc.language_id().to_string(),
            base: st.options.settings.clone(),
            max_file_size: st.options.max_file_size,
        })
    }

    /// Analyse `job` on a blocking thread; a panic becomes an error.
    async fn run(&self, job: Job) -> Result<Snapshot> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || analyze_job(&job, &inner.configs))
            .await
            .map_err(|e| {
                eprintln!("bucketguard: analysis failed: {e}");
                internal("analysis")
            })
    }

    /// Analyse the document after `delay` and publish, unless newer work
    /// was scheduled for it in the meantime (a later edit, or a settings
    /// change): the latest scheduled work supersedes all older work.
    fn schedule(&self, uri: lsp::Uri, delay: Duration) {
        let generation = {
            let mut st = self.state();
            let Some(open) = st.docs.get_mut(&uri) else {
                return;
            };
            open.generation += 1;
            open.generation
        };
        let this = self.clone();
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let Some(job) = this.job(&uri, Some(generation)) else {
                return;
            };
            let started = std::time::Instant::now();
            let version = job.version;
            let Ok(mut snapshot) = this.run(job).await else {
                return;
            };
            let parsed = !carry::has_syntax_error(&snapshot.diagnostics);
            if !parsed {
                let good = this
                    .state()
                    .docs
                    .get(&uri)
                    .and_then(|o| o.last_good.clone());
                if let Some(good) = good {
                    snapshot.diagnostics = carry::with_last_good(
                        &snapshot.diagnostics,
                        &snapshot.text,
                        &good.text,
                        &good.diagnostics,
                    );
                }
            }
            let snapshot = Arc::new(snapshot);
            let _turn = this.inner.publish.lock().await;
            let diagnostics: Vec<lsp::Diagnostic> = {
                let mut st = this.state();
                let encoding = st.encoding;
                let Some(open) = st.docs.get_mut(&uri) else {
                    return;
                };
                if open.generation != generation || open.doc.version() != version {
                    return;
                }
                open.last = Some(snapshot.clone());
                if parsed {
                    open.last_good = Some(snapshot.clone());
                }
                let pos = snapshot.positions(encoding);
                snapshot
                    .diagnostics
                    .iter()
                    .map(|d| convert::diagnostic(d, &uri, version, &pos))
                    .collect()
            };
            let count = diagnostics.len();
            let message = format!(
                "published {count} diagnostics for {} version {version}",
                uri.as_str()
            );
            this.inner
                .client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
            drop(_turn);
            this.trace(message, || {
                format!("analysed in {} ms", started.elapsed().as_millis())
            })
            .await;
        });
    }

    /// The analysis of the document's current version: the published one
    /// when current, else a fresh one (not published).
    async fn current(&self, uri: &lsp::Uri) -> Result<Option<Arc<Snapshot>>> {
        let job = {
            let st = self.state();
            let Some(open) = st.docs.get(uri) else {
                return Ok(None);
            };
            if let Some(last) = open
                .last
                .as_ref()
                .filter(|s| s.version == open.doc.version())
            {
                return Ok(Some(last.clone()));
            }
            drop(st);
            self.job(uri, None)
        };
        match job {
            Some(job) => Ok(Some(Arc::new(self.run(job).await?))),
            None => Ok(None),
        }
    }

    fn encoding(&self) -> Encoding {
        self.state().encoding
    }

    async fn set_trace(&self, params: lsp::SetTraceParams) {
        self.inner
            .trace
            .store(trace_level(params.value), Ordering::Relaxed);
    }

    /// A trace line: to stderr and as `$/logTrace`, when the client's trace
    /// level asks for it; `verbose` only at level verbose.
    async fn trace(&self, message: String, verbose: impl FnOnce() -> String) {
        let level = self.inner.trace.load(Ordering::Relaxed);
        if level == 0 {
            return;
        }
        let verbose = (level >= 2).then(verbose);
        match &verbose {
            Some(v) => eprintln!("bucketguard: {message}: {v}"),
            None => eprintln!("bucketguard: {message}"),
        }
        self.inner
            .client
            .send_notification::<lsp::notification::LogTrace>(lsp::LogTraceParams {
                message,
                verbose,
            })
            .await;
    }

    /// A warning: to stderr, and to the client as `window/logMessage`.
    async fn warn(&self, message: String) {
        eprintln!("bucketguard: {message}");
        self.inner
            .client
            .log_message(lsp::MessageType::WARNING, message)
            .await;
    }

    /// The stand-in for a message that was not JSON-RPC (see `stdio`).
    async fn invalid_message(&self) -> Result<()> {
        Err(Error::parse_error())
    }

    /// Ask the client for the `bucketguard` settings section, when it
    /// answers `workspace/configuration`; true when settings were found.
    async fn pull_settings(&self) -> bool {
        if !self.state().can_pull_config {
            return false;
        }
        let item = lsp::ConfigurationItem {
            scope_uri: None,
            section: Some("bucketguard".to_string()),
        };
        match self.inner.client.configuration(vec![item]).await {
            Ok(values) => match values.first().filter(|v| v.is_object()) {
                Some(v) => {
                    self.set_options(v).await;
                    true
                }
                None => false,
            },
            Err(e) => {
                eprintln!("bucketguard: workspace/configuration failed: {e}");
                false
            }
        }
    }

    /// Forget cached config files and re-analyse every open document.
    fn republish_all(&self) {
        self.inner.configs.clear();
        let open: Vec<lsp::Uri> = self.state().docs.keys().cloned().collect();
        for uri in open {
            self.schedule(uri, Duration::ZERO);
        }
    }

    /// Set the editor options to `value` (the `bucketguard` section)
    /// layered over the `initializationOptions`: a key in `value` wins.
    async fn set_options(&self, value: &serde_json::Value) {
        let init = self.state().init_options.clone();
        let mut merged = init.get("bucketguard").cloned().unwrap_or(init);
        if let (Some(m), Some(v)) = (merged.as_object_mut(), value.as_object()) {
            for (k, x) in v {
                m.insert(k.clone(), x.clone());
            }
        } else {
            merged = value.clone();
        }
        let (opts, warnings) = options::parse(Some(&merged));
        self.state().options = opts;
        for w in warnings {
            self.warn(format!("settings: {w}")).await;
        }
    }
}

fn trace_level(t: lsp::TraceValue) -> u8 {
    match t {
        lsp::TraceValue::Off => 0,
        lsp::TraceValue::Messages => 1,
        lsp::TraceValue::Verbose => 2,
    }
}

fn negotiate(params: &lsp::InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&lsp::PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

fn hover_at(snap: &Snapshot, pos: lsp::Position, encoding: Encoding) -> Option<lsp::Hover> {
    let p = snap.positions(encoding);
    let offset = p.offset(pos);
    let markdown = |value: String| {
        lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value,
        })
    };
    // A finding first: its rule's documentation.
    let finding = snap.diagnostics.iter().find_map(|d| {
        let on = d.span.contains(offset) || d.span.start == offset || d.span.end == offset;
        rules::find(&d.code)
            .filter(|r| on && r.id == d.code)
            .map(|r| (r, d.span))
    });
    if let Some((rule, span)) = finding {
        return Some(lsp::Hover {
            contents: markdown(docs::rule_markdown(rule)),
            range: Some(p.range(span)),
        });
    }
    // Else an S3 resource type or a property a rule looks at.
    let g = hover::guidance(snap.kind?, &snap.text, offset)?;
    Some(lsp::Hover {
        contents: markdown(g.markdown),
        range: Some(p.range(g.span)),
    })
}

/// "Suppress S3-xxx for resource `R`", rendered on `snap` (the current
/// version) for the finding `d`.
fn suppress_action(
    snap: Option<&Snapshot>,
    version: i32,
    encoding: Encoding,
    uri: &lsp::Uri,
    d: &lsp::Diagnostic,
    data: &DiagnosticData,
) -> Option<lsp::CodeActionOrCommand> {
    let snap = snap.filter(|s| s.version == version)?;
    let resource = data.resource.as_deref()?;
    let Some(lsp::NumberOrString::String(code)) = &d.code else {
        return None;
    };
    let edits = analysis::suppression_edits(snap.kind?, &snap.text, resource, code)?;
    let pos = snap.positions(encoding);
    let edits = edits
        .iter()
        .map(|e| lsp::TextEdit::new(pos.range(e.span), e.text.clone()))
        .collect();
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: format!("Suppress {code} for resource `{resource}`"),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(workspace_edit(uri, edits)),
        is_preferred: Some(false),
        ..Default::default()
    }))
}

fn text_edits(data: &FixData) -> Vec<lsp::TextEdit> {
    data.edits
        .iter()
        .map(|e| lsp::TextEdit::new(e.range, e.new_text.clone()))
        .collect()
}

/// A workspace edit in rust-analyzer's snippet form: edits with a snippet
/// carry it as `newText` with `insertTextFormat: 2`.
fn snippet_edit(uri: &lsp::Uri, version: i32, data: &FixData) -> serde_json::Value {
    let edits: Vec<serde_json::Value> = data
        .edits
        .iter()
        .map(|e| match &e.snippet {
            Some(s) => serde_json::json!({"range": e.range, "newText": s, "insertTextFormat": 2}),
            None => serde_json::json!({"range": e.range, "newText": e.new_text}),
        })
        .collect();
    serde_json::json!({
        "documentChanges": [{
            "textDocument": {"uri": uri, "version": version},
            "edits": edits,
        }]
    })
}

fn workspace_edit(uri: &lsp::Uri, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..Default::default()
    }
}

/// Every safe fix of `snap` that does not overlap an earlier chosen one,
/// as `check --fix` chooses them in one pass.
fn fix_all_edits(snap: &Snapshot, encoding: Encoding) -> Vec<lsp::TextEdit> {
    let mut chosen: Vec<Span> = Vec::new();
    let mut edits = Vec::new();
    let pos = snap.positions(encoding);
    for fix in snap.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
        if fix.applicability != Applicability::Safe {
            continue;
        }
        let overlaps = fix.edits.iter().any(|e| {
            chosen
                .iter()
                .any(|c| e.span.start < c.end && c.start < e.span.end || e.span == *c)
        });
        if overlaps {
            continue;
        }
        for e in &fix.edits {
            chosen.push(e.span);
            edits.push(lsp::TextEdit::new(pos.range(e.span), e.text.clone()));
        }
    }
    edits
}

fn wants(only: Option<&Vec<lsp::CodeActionKind>>, kind: &lsp::CodeActionKind) -> bool {
    match only {
        None => true,
        Some(list) => list.iter().any(|k| {
            kind.as_str() == k.as_str() || kind.as_str().starts_with(&format!("{}.", k.as_str()))
        }),
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let encoding = negotiate(&params);
        let (opts, warnings) = options::parse(params.initialization_options.as_ref());
        for w in warnings {
            self.warn(format!("initializationOptions: {w}")).await;
        }
        if let Some(t) = params.trace {
            self.inner.trace.store(trace_level(t), Ordering::Relaxed);
        }
        let ws = params.capabilities.workspace.as_ref();
        {
            let mut st = self.state();
            st.encoding = encoding;
            st.options = opts;
            st.init_options = params
                .initialization_options
                .clone()
                .unwrap_or(serde_json::Value::Null);
            st.can_watch = ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false);
            st.can_pull_config = ws.and_then(|w| w.configuration).unwrap_or(false);
            st.snippets = params
                .capabilities
                .experimental
                .as_ref()
                .and_then(|e| e.get("snippetTextEdit"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
        }
        Ok(lsp::InitializeResult {
            capabilities: lsp::ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                    lsp::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
                code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                    lsp::CodeActionOptions {
                        code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, FIX_ALL]),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            },
            server_info: Some(lsp::ServerInfo {
                name: "bucketguard".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if self.pull_settings().await {
            self.republish_all();
        }
        if !self.state().can_watch {
            return;
        }
        let watchers = crate::config::FILE_NAMES
            .iter()
            .map(|name| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let registration = lsp::Registration {
            id: "bucketguard-config-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        if let Err(e) = self
            .inner
            .client
            .register_capability(vec![registration])
            .await
        {
            eprintln!("bucketguard: cannot watch config files: {e}");
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let pushed = params
            .settings
            .get("bucketguard")
            .filter(|v| v.is_object())
            .cloned();
        if let Some(v) = pushed {
            self.set_options(&v).await;
        } else {
            self.pull_settings().await;
        }
        self.republish_all();
    }

    async fn did_change_watched_files(&self, _: lsp::DidChangeWatchedFilesParams) {
        self.republish_all();
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let d = params.text_document;
        let version = d.version;
        let opened = guarded("didOpen", || {
            let mut st = self.state();
            st.docs.insert(
                d.uri.clone(),
                Open {
                    doc: Document::new(&d.text, version, &d.language_id),
                    last: None,
                    last_good: None,
                    generation: 0,
                },
            );
        });
        if opened.is_ok() {
            self.schedule(d.uri, Duration::ZERO);
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let changes: Vec<Change> = params
            .content_changes
            .into_iter()
            .map(|c| Change {
                range: c
                    .range
                    .map(|r| (convert::line_col(r.start), convert::line_col(r.end))),
                text: c.text,
            })
            .collect();
        // Mutate the document before any `.await`: changes apply in the
        // order they were received.
        let applied = guarded("didChange", || {
            let mut st = self.state();
            let encoding = st.encoding;
            let debounce = st.options.debounce;
            let Some(open) = st.docs.get_mut(&uri) else {
                return Err("didChange for a document that is not open".to_string());
            };
            open.doc
                .apply_changes(version, &changes, encoding)
                .map(|()| debounce)
                .map_err(|e| format!("didChange refused: {e}"))
        });
        match applied {
            Ok(Ok(debounce)) => self.schedule(uri, debounce),
            Ok(Err(message)) => self.warn(message).await,
            Err(_) => {}
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let _ = guarded("didClose", || self.state().docs.remove(&uri));
        let _turn = self.inner.publish.lock().await;
        self.inner
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        let Some(snap) = self.current(&p.text_document.uri).await? else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guarded("hover", || hover_at(&snap, p.position, encoding))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let only = params.context.only.as_ref();
        let (version, snippets) = {
            let st = self.state();
            let Some(open) = st.docs.get(&uri) else {
                return Ok(None);
            };
            (open.doc.version(), st.snippets)
        };
        let mut actions: lsp::CodeActionResponse = Vec::new();
        if wants(only, &lsp::CodeActionKind::QUICKFIX) {
            // The suppression is rendered now, on the current text.
            let snap = self.current(&uri).await?;
            let encoding = self.encoding();
            let quick = guarded("codeAction", || {
                let mut out = Vec::new();
                for d in &params.context.diagnostics {
                    let Some(data) = d
                        .data
                        .clone()
                        .and_then(|v| serde_json::from_value::<DiagnosticData>(v).ok())
                    else {
                        continue;
                    };
                    // Edits computed for another version would land in the
                    // wrong place.
                    if data.version != version {
                        continue;
                    }
                    if let Some(fix) = &data.fix {
                        let snippet = (snippets && fix.edits.iter().any(|e| e.snippet.is_some()))
                            .then(|| serde_json::json!({ EDIT_KEY: snippet_edit(&uri, version, fix) }));
                        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                            title: fix.title.clone(),
                            kind: Some(lsp::CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![d.clone()]),
                            edit: Some(workspace_edit(&uri, text_edits(fix))),
                            is_preferred: Some(fix.applicability == "safe"),
                            data: snippet,
                            ..Default::default()
                        }));
                    }
                    if let Some(action) =
                        suppress_action(snap.as_deref(), version, encoding, &uri, d, &data)
                    {
                        out.push(action);
                    }
                }
                out
            })?;
            actions.extend(quick);
        }
        if wants(only, &FIX_ALL) {
            if let Some(snap) = self.current(&uri).await? {
                let encoding = self.encoding();
                let edits = guarded("codeAction", || fix_all_edits(&snap, encoding))?;
                if !edits.is_empty() {
                    actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: "Apply all safe bucketguard fixes".to_string(),
                        kind: Some(FIX_ALL),
                        edit: Some(workspace_edit(&uri, edits)),
                        ..Default::default()
                    }));
                }
            }
        }
        Ok(Some(actions))
    }
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
