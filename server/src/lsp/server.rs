//! The `LanguageServer` implementation: document state, scheduling of
//! analyses, publishing, hover and code actions.

use super::carry;
use super::convert::{self, DiagnosticData, Positions};
use super::document::{Change, Document};
use super::options::{self, Options};
use super::service::{ClientExtras, Guard, EDIT_KEY};
use super::stdio::Output;
use crate::analysis::{self, FileKind, Fixes};
use crate::docs;
use crate::fix::{Applicability, Edit};
use crate::hover;
use crate::project::ConfigCache;
use crate::rules;
use crate::settings::Settings;
use crate::syntax::reparse::Reusable;
use crate::text::{Encoding, LineIndex, Span};
use crate::tf::{self, Role};
use ropey::Rope;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

/// The code action kind of "apply every safe fix".
pub const FIX_ALL: lsp::CodeActionKind = lsp::CodeActionKind::new("source.fixAll.bucketguard");

/// Serve LSP on `input` (stdin, or a pipe in tests) until the client sends
/// `exit` or the input ends; frames go out through `output`.
pub async fn serve(input: impl tokio::io::AsyncRead + Unpin + Send + 'static, output: Output) {
    let stdin = super::stdio::sanitized(input);
    let client_caps = Arc::new(ClientExtras::default());
    let caps = client_caps.clone();
    let out = output.clone();
    let (service, socket) = LspService::build(move |client| Backend::new(client, out, caps))
        .custom_method(super::stdio::INVALID_MESSAGE, Backend::invalid_message)
        .custom_method("$/setTrace", Backend::set_trace)
        .finish();
    let guard = Guard::new(service, client_caps);
    let exited = guard.exited();
    let server = Server::new(stdin, output.library(), socket).serve(guard);
    // After `exit`, stop even while a handler still waits for the client
    // (found by the `lsp` fuzz target: the server never ended when a
    // client sent `exit` without answering our `registerCapability`).
    tokio::select! {
        () = server => {}
        () = async {
            exited.notified().await;
            tokio::time::sleep(EXIT_GRACE).await;
        } => eprintln!("bucketguard: exit while a request to the client was unanswered"),
    }
}

/// How long the server lets its handlers finish after `exit`.
const EXIT_GRACE: Duration = Duration::from_millis(200);

/// A complete analysis of one version of a document: the text it was
/// computed on, with its line index, and every diagnostic with its fix
/// (named only, or with its edits: see [`Full::fixes`]).
/// Kept only for the few most recently analysed documents ([`Recent`]) and,
/// for a document that does not parse, its last version that did: the
/// open documents keep only their text.
#[derive(Debug)]
struct Full {
    uri: lsp::Uri,
    version: i32,
    /// The settings epoch it was computed with.
    epoch: u64,
    kind: Option<FileKind>,
    /// For a Terraform file, its role in its module.
    tf: Option<Role>,
    /// For a Terraform file, the module revision ([`State::tf_rev`]) it
    /// was computed at: its findings depend on the other files too.
    tf_rev: Option<u64>,
    /// Another file of the module does not parse (so the core reports no
    /// findings in this one).
    module_broken: bool,
    /// How far the fixes were prepared: a published analysis only names
    /// them; code actions need one with edits.
    fixes: Fixes,
    text: String,
    index: LineIndex,
    diagnostics: Vec<analysis::Diagnostic>,
}

impl Full {
    fn positions(&self, encoding: Encoding) -> Positions<'_> {
        Positions {
            text: &self.text,
            index: &self.index,
            encoding,
        }
    }
}

/// How many complete analyses are kept (see [`Full`]).
const RECENT: usize = 2;

/// The complete analyses of the most recently analysed documents, newest
/// first.
#[derive(Default)]
struct Recent(Vec<Arc<Full>>);

impl Recent {
    fn get(&self, uri: &lsp::Uri, version: i32, epoch: u64, tf_rev: u64) -> Option<Arc<Full>> {
        self.0
            .iter()
            .find(|f| {
                &f.uri == uri
                    && f.version == version
                    && f.epoch == epoch
                    && f.tf_rev.is_none_or(|r| r == tf_rev)
            })
            .cloned()
    }

    fn put(&mut self, full: Arc<Full>) {
        self.0.retain(|f| f.uri != full.uri);
        self.0.insert(0, full);
        self.0.truncate(RECENT);
    }

    fn forget(&mut self, uri: &lsp::Uri) {
        self.0.retain(|f| &f.uri != uri);
    }
}

/// The parses of the most recently analysed YAML documents, each with its
/// text: the next version of such a document re-reads only the lines that
/// changed ([`syntax::reparse`]). An analysis takes its document's entry
/// and puts the new one back, so two analyses never share one.
#[derive(Default)]
struct Reuse(Mutex<Vec<(lsp::Uri, Reusable)>>);

impl Reuse {
    fn lock(&self) -> MutexGuard<'_, Vec<(lsp::Uri, Reusable)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn take(&self, uri: &lsp::Uri) -> Option<Reusable> {
        let mut v = self.lock();
        let at = v.iter().position(|(u, _)| u == uri)?;
        Some(v.remove(at).1)
    }

    fn put(&self, uri: lsp::Uri, parsed: Reusable) {
        let mut v = self.lock();
        v.retain(|(u, _)| u != &uri);
        v.insert(0, (uri, parsed));
        v.truncate(RECENT);
    }

    fn forget(&self, uri: &lsp::Uri) {
        self.lock().retain(|(u, _)| u != uri);
    }
}

/// What the open document keeps of the last version that parsed: its text
/// (a rope sharing every unchanged chunk with the current text) and, while
/// the document does not parse, that version's complete analysis.
struct Good {
    version: i32,
    rope: Rope,
    full: Option<Arc<Full>>,
}

struct Open {
    doc: Document,
    /// The last version that parsed, for [`carry`].
    last_good: Option<Good>,
    /// The generation of the latest scheduled analysis: only its work may
    /// publish. Generations come from one counter for every document
    /// ([`State::generations`]), so a document closed and opened again
    /// never matches the work scheduled for its previous opening.
    generation: u64,
    /// The latest generation whose work has ended (published, superseded
    /// or failed): the document is idle when it equals `generation`.
    settled: u64,
    /// When the last change (or the opening) arrived.
    last_change: Instant,
}

impl Open {
    /// The delay before analysing a change arriving `now`: none when the
    /// document is idle and the previous change is at least `debounce` old
    /// (a change after a pause is analysed at once), else `debounce` (a
    /// burst: paste, format, multi-cursor, edits faster than the analysis).
    fn delay(&mut self, now: Instant, debounce: Duration) -> Duration {
        let quiet = now.saturating_duration_since(self.last_change) >= debounce
            && self.settled == self.generation;
        self.last_change = now;
        if quiet {
            Duration::ZERO
        } else {
            debounce
        }
    }
}

/// How the client takes snippet edits in a workspace edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Snippets {
    /// Not at all: placeholders are plain text.
    #[default]
    No,
    /// LSP 3.18 `SnippetTextEdit` (`workspace.workspaceEdit.snippetEditSupport`).
    Lsp318,
    /// rust-analyzer's `experimental.snippetTextEdit`: a `TextEdit` with
    /// `insertTextFormat: 2`.
    RustAnalyzer,
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
    snippets: Snippets,
    /// Bumped when settings or config files change: complete analyses of
    /// an older epoch are not reused.
    epoch: u64,
    recent: Recent,
    /// Bumped by every change to a Terraform module: an edit, opening or
    /// closing of a Terraform document, a watched `.tf` file changing on
    /// disk. Module analyses of an older revision are not reused.
    tf_rev: u64,
    /// The latest module analysis per module key (its folder), with the
    /// `(epoch, tf_rev)` it belongs to; shared by the jobs of the module's
    /// open documents.
    /// Publishing asks for fixes named only, code actions for their
    /// edits: one slot for each.
    modules: HashMap<(PathBuf, bool), ModuleSlot>,
    /// The parsed files of each open module, by module key: an edit
    /// re-parses the edited file only.
    parsed: HashMap<PathBuf, Arc<tf::ParseCache>>,
    /// The last generation handed out (see [`Open::generation`]).
    generations: u64,
}

/// The analyses of every Terraform file of a module, by path.
type ModuleResult = Vec<(PathBuf, analysis::Analysis)>;

/// A module analysis for `(epoch, tf_rev)`, computed once by whichever job
/// needs it first.
type ModuleSlot = (u64, u64, Arc<OnceLock<ModuleResult>>);

/// What a Terraform document's analysis needs besides its own text: the
/// other open documents of its module (the editor's text wins over the
/// disk) and the folder to read the rest from.
struct ModuleJob {
    /// This document's path in the module (a `.tf` name is made up for a
    /// document without one).
    path: PathBuf,
    role: Role,
    /// The folder whose other Terraform files belong to the module; `None`
    /// for a document that is not a file (it is a module of its own).
    dir: Option<PathBuf>,
    /// Every open document of the module, this one included.
    open: Vec<(PathBuf, Rope)>,
    tf_rev: u64,
    /// How far the module's fixes are prepared.
    fixes: Fixes,
    /// The module's parsed files, shared by its analyses.
    parsed: Arc<tf::ParseCache>,
    /// Shared by the jobs of one module revision: analysed once.
    slot: Arc<OnceLock<ModuleResult>>,
}

/// The role of a document in a Terraform module, from its name, else its
/// language id.
fn tf_role(path: &Path, language_id: &str) -> Option<Role> {
    Role::of(&path.to_string_lossy()).or(match language_id {
        "terraform" | "hcl" => Some(Role::Hcl),
        "terraform-vars" => Some(Role::Vars),
        _ => None,
    })
}

/// The folder of a Terraform document that is a file, keying its module.
fn tf_dir(uri: &lsp::Uri, language_id: &str) -> Option<PathBuf> {
    let path = uri.to_file_path()?.into_owned();
    tf_role(&path, language_id)?;
    path.parent().map(Path::to_path_buf)
}

impl State {
    /// The open Terraform documents whose module is in `dir`.
    fn module_members(&self, dir: &Path) -> Vec<lsp::Uri> {
        self.docs
            .iter()
            .filter(|(u, o)| tf_dir(u, o.doc.language_id()).as_deref() == Some(dir))
            .map(|(u, _)| u.clone())
            .collect()
    }

    /// What the analysis of Terraform document `uri` needs (`None` for
    /// other documents); `rope` replaces the document's own text (for its
    /// last good version), and such a job is not shared.
    fn module_job(
        &mut self,
        uri: &lsp::Uri,
        rope: Option<&Rope>,
        fixes: Fixes,
    ) -> Option<ModuleJob> {
        let open = self.docs.get(uri)?;
        let raw = file_path(uri);
        let role = tf_role(&raw, open.doc.language_id())?;
        let path = if Role::of(&raw.to_string_lossy()).is_some() {
            raw
        } else {
            let mut p = raw.into_os_string();
            p.push(if role == Role::Vars {
                ".auto.tfvars"
            } else {
                ".tf"
            });
            PathBuf::from(p)
        };
        let own = rope.unwrap_or(open.doc.rope()).clone();
        let dir = tf_dir(uri, open.doc.language_id());
        let open_docs = match &dir {
            Some(d) => self
                .module_members(d)
                .into_iter()
                .filter(|u| u != uri)
                .filter_map(|u| {
                    let o = self.docs.get(&u)?;
                    Some((file_path(&u), o.doc.rope().clone()))
                })
                .chain(std::iter::once((path.clone(), own)))
                .collect(),
            None => vec![(path.clone(), own)],
        };
        let module_key = dir.clone().unwrap_or_else(|| PathBuf::from(uri.as_str()));
        let parsed = self.parsed.entry(module_key.clone()).or_default().clone();
        let key = (module_key, fixes == Fixes::Edits);
        let slot = if rope.is_some() {
            Arc::new(OnceLock::new())
        } else {
            let current = (self.epoch, self.tf_rev);
            match self.modules.get(&key) {
                Some((e, r, slot)) if (*e, *r) == current => slot.clone(),
                _ => {
                    let slot = Arc::new(OnceLock::new());
                    self.modules
                        .insert(key, (current.0, current.1, slot.clone()));
                    slot
                }
            }
        };
        Some(ModuleJob {
            path,
            role,
            dir,
            open: open_docs,
            tf_rev: self.tf_rev,
            fixes,
            parsed,
            slot,
        })
    }
}

/// The files of a module: its open documents' text, and the other
/// Terraform files of its folder from disk; sorted by path.
fn module_files(m: &ModuleJob) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = m
        .open
        .iter()
        .map(|(p, r)| (p.clone(), String::from(r)))
        .collect();
    if let Some(dir) = &m.dir {
        // Regular files only (a symlink may lead out of the workspace), of
        // at most the default `max-file-size`: see docs/security.md.
        for p in crate::project::regular_files_in(dir) {
            if Role::of(&p.to_string_lossy()).is_none() || files.iter().any(|(q, _)| q == &p) {
                continue;
            }
            if let Some(t) =
                crate::project::read_text_limited(&p, crate::config::DEFAULT_MAX_FILE_SIZE)
            {
                files.push((p, t));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Analyse the module of `m` with `settings`.
fn analyze_module_job(m: &ModuleJob, settings: &Settings) -> ModuleResult {
    let files = module_files(m);
    let names: Vec<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .zip(&files)
        .map(|(n, (_, t))| (n.as_str(), t.as_str()))
        .collect();
    analysis::analyze_module_cached(&pairs, settings, m.fixes, Some(&m.parsed))
        .into_iter()
        .filter_map(|(p, a)| {
            let i = names.iter().position(|n| n == p)?;
            Some((files.get(i)?.0.clone(), a))
        })
        .collect()
}

struct Inner {
    client: Client,
    output: Output,
    extras: Arc<ClientExtras>,
    state: Mutex<State>,
    configs: ConfigCache,
    reuse: Reuse,
    /// Held while checking a result is current and publishing it, so an
    /// older version can never be published after a newer one.
    publish: tokio::sync::Mutex<()>,
    /// One permit per core: the analyses [`Backend::schedule`] starts wait
    /// for one before taking their document's text, so at most that many
    /// run at once (not one blocking thread per open document when 200
    /// are opened or re-analysed together), and work superseded while
    /// waiting is never done.
    analyses: tokio::sync::Semaphore,
    /// The client's trace level (`$/setTrace`): 0 off, 1 messages,
    /// 2 verbose.
    trace: AtomicU8,
    /// Counts work that ended (analyses, closes), for
    /// [`Backend::release_when_idle`].
    work_done: AtomicU64,
    /// A task waiting for the server to be idle is running.
    release_pending: AtomicBool,
}

#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

/// What an analysis needs, taken from a document at one version.
struct Job {
    uri: lsp::Uri,
    version: i32,
    epoch: u64,
    rope: Rope,
    language_id: String,
    base: Settings,
    max_file_size: usize,
    module: Option<ModuleJob>,
    /// Analyses for publishing only name their fixes (rendering every
    /// edit is the largest cost after parsing); code actions ask for
    /// edits.
    fixes: Fixes,
}

/// The Terraform files watched for changes on disk.
pub const TF_GLOBS: &[&str] = &["**/*.tf", "**/*.tf.json", "**/*.tfvars"];

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

fn analyze_job(job: Job, configs: &ConfigCache, reuse: &Reuse) -> Full {
    let path = file_path(&job.uri);
    let settings = match configs.for_file(&path) {
        Ok(Some(c)) => c.config.settings.merged_with(&job.base),
        Ok(None) => job.base.clone(),
        Err(e) => {
            eprintln!("bucketguard: {e}");
            job.base.clone()
        }
    };
    // The one contiguous copy of the text, for the analysis and positions.
    let text = String::from(&job.rope);
    let mut module_broken = false;
    let (kind, diagnostics) = if text.len() > job.max_file_size {
        let d = analysis::Diagnostic {
            code: FILE_TOO_LARGE.to_string(),
            span: Span::empty(0),
            severity: rules::Severity::Info,
            message: format!(
                "not checked: the file has {} bytes, more than `maxFileSize` ({})",
                text.len(),
                job.max_file_size
            ),
            resource: None,
            related: Vec::new(),
            fix: None,
        };
        (None, vec![d])
    } else if let Some(m) = &job.module {
        let result = m.slot.get_or_init(|| analyze_module_job(m, &settings));
        let own = result.iter().find(|(p, _)| p == &m.path);
        module_broken = result.iter().any(|(p, a)| {
            p != &m.path
                && a.diagnostics
                    .iter()
                    .any(|d| d.code == analysis::SYNTAX_ERROR)
        });
        (
            None,
            own.map(|(_, a)| a.diagnostics.clone()).unwrap_or_default(),
        )
    } else {
        let name = path.to_string_lossy();
        let kind = FileKind::detect(&name, &text).or(match job.language_id.as_str() {
            "yaml" => Some(FileKind::Yaml),
            "json" | "jsonc" => Some(FileKind::Json),
            _ => None,
        });
        let diagnostics = match kind {
            Some(k) => {
                let previous = reuse.take(&job.uri);
                let (a, next) =
                    analysis::analyze_as_reusing(k, &text, &settings, job.fixes, previous);
                if let Some(next) = next {
                    reuse.put(job.uri.clone(), next);
                }
                a.diagnostics
            }
            None => Vec::new(),
        };
        (kind, diagnostics)
    };
    Full {
        uri: job.uri,
        version: job.version,
        epoch: job.epoch,
        kind,
        tf: job.module.as_ref().map(|m| m.role),
        tf_rev: job.module.as_ref().map(|m| m.tf_rev),
        module_broken,
        fixes: job.fixes,
        index: LineIndex::new(&text),
        text,
        diagnostics,
    }
}

impl Backend {
    fn new(client: Client, output: Output, extras: Arc<ClientExtras>) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                client,
                output,
                extras,
                state: Mutex::new(State::default()),
                configs: ConfigCache::new(),
                reuse: Reuse::default(),
                publish: tokio::sync::Mutex::new(()),
                analyses: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(1, usize::from),
                ),
                trace: AtomicU8::new(0),
                work_done: AtomicU64::new(0),
                release_pending: AtomicBool::new(false),
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
    fn job(&self, uri: &lsp::Uri, generation: Option<u64>, fixes: Fixes) -> Option<Job> {
        let mut st = self.state();
        let module = st.module_job(uri, None, fixes);
        let open = st.docs.get(uri)?;
        if generation.is_some_and(|g| g != open.generation) {
            return None;
        }
        Some(Job {
            module,
            uri: uri.clone(),
            version: open.doc.version(),
            epoch: st.epoch,
            rope: open.doc.rope().clone(),
            language_id: open.doc.language_id().to_string(),
            base: st.options.settings.clone(),
            max_file_size: st.options.max_file_size,
            fixes,
        })
    }

    /// Run `f` on a blocking thread; a panic becomes an error.
    async fn blocking<T: Send + 'static>(
        &self,
        what: &str,
        f: impl FnOnce(&Inner) -> T + Send + 'static,
    ) -> Result<T> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| {
                eprintln!("bucketguard: {what} failed: {e}");
                internal(what)
            })
    }

    /// Analyse `job` on a blocking thread.
    async fn run(&self, job: Job) -> Result<Full> {
        self.blocking("analysis", move |inner| {
            let full = analyze_job(job, &inner.configs, &inner.reuse);
            // The analysis's tree and model are dropped: give this
            // thread's freed pages back now, not when the thread next
            // allocates (analyses move between the pool's threads).
            super::collect_thread_heap();
            full
        })
        .await
    }

    /// The complete analysis of the last version of `uri` that parsed, for
    /// a version that does not: kept while the document does not parse,
    /// else taken from the recent analyses, else recomputed.
    async fn last_good(&self, uri: &lsp::Uri) -> Option<Arc<Full>> {
        let job = {
            let mut st = self.state();
            let open = st.docs.get(uri)?;
            let good = open.last_good.as_ref()?;
            if let Some(full) = good.full.as_ref().filter(|f| f.epoch == st.epoch) {
                return Some(full.clone());
            }
            if let Some(full) = st.recent.get(uri, good.version, st.epoch, st.tf_rev) {
                return Some(full);
            }
            let (version, rope) = (good.version, good.rope.clone());
            let language_id = open.doc.language_id().to_string();
            let module = st.module_job(uri, Some(&rope), Fixes::Titles);
            Job {
                module,
                uri: uri.clone(),
                version,
                epoch: st.epoch,
                rope,
                language_id,
                base: st.options.settings.clone(),
                max_file_size: st.options.max_file_size,
                // Only its findings are carried over.
                fixes: Fixes::Titles,
            }
        };
        let slot = self.inner.analyses.acquire().await.ok()?;
        let full = Arc::new(self.run(job).await.ok()?);
        drop(slot);
        let mut st = self.state();
        let good = st.docs.get_mut(uri)?.last_good.as_mut()?;
        if good.version == full.version {
            good.full = Some(full.clone());
        }
        Some(full)
    }

    /// Analyse the document after `delay` and publish, unless newer work
    /// was scheduled for it in the meantime (a later edit, or a settings
    /// change): the latest scheduled work supersedes all older work.
    fn schedule(&self, uri: lsp::Uri, delay: Duration) {
        let generation = {
            let mut st = self.state();
            let generation = st.generations + 1;
            let Some(open) = st.docs.get_mut(&uri) else {
                return;
            };
            open.generation = generation;
            st.generations = generation;
            generation
        };
        let this = self.clone();
        tokio::spawn(async move {
            this.analyze_and_publish(&uri, generation, delay).await;
            this.settle(&uri, generation);
            this.release_when_idle();
        });
    }

    /// Work just ended (an analysis, a close): once nothing else has ended
    /// for [`super::RELEASE_AFTER`], hand freed memory back to the system
    /// ([`super::release_memory`]).
    fn release_when_idle(&self) {
        self.inner.work_done.fetch_add(1, Ordering::AcqRel);
        if self.inner.release_pending.swap(true, Ordering::AcqRel) {
            return;
        }
        let inner = self.inner.clone();
        tokio::spawn(async move {
            loop {
                let seen = inner.work_done.load(Ordering::Acquire);
                tokio::time::sleep(super::RELEASE_AFTER).await;
                if inner.work_done.load(Ordering::Acquire) != seen {
                    continue;
                }
                super::release_memory();
                inner.release_pending.store(false, Ordering::Release);
                // Work that ended meanwhile found the flag still set and
                // counts on this task: wait again, unless another took over.
                if inner.work_done.load(Ordering::Acquire) == seen
                    || inner.release_pending.swap(true, Ordering::AcqRel)
                {
                    return;
                }
            }
        });
    }

    /// Note that a file of the module of `uri` changed (when `uri` is a
    /// Terraform document): the module's analyses are outdated. Returns the
    /// other open documents of that module, which must be re-analysed.
    fn module_changed(st: &mut State, uri: &lsp::Uri) -> Vec<lsp::Uri> {
        let Some(open) = st.docs.get(uri) else {
            return Vec::new();
        };
        if tf_role(&file_path(uri), open.doc.language_id()).is_none() {
            return Vec::new();
        }
        st.tf_rev += 1;
        match tf_dir(uri, open.doc.language_id()) {
            Some(dir) => st
                .module_members(&dir)
                .into_iter()
                .filter(|u| u != uri)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Note that the work of `generation` has ended.
    fn settle(&self, uri: &lsp::Uri, generation: u64) {
        if let Some(open) = self.state().docs.get_mut(uri) {
            open.settled = open.settled.max(generation);
        }
    }

    /// The work [`Backend::schedule`] spawns.
    async fn analyze_and_publish(&self, uri: &lsp::Uri, generation: u64, delay: Duration) {
        let this = self;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        // A free core first, then the text: a change that arrives while
        // this waits supersedes it before any work is done.
        let Ok(slot) = this.inner.analyses.acquire().await else {
            return;
        };
        let Some(job) = this.job(uri, Some(generation), Fixes::Titles) else {
            return;
        };
        let started = std::time::Instant::now();
        let version = job.version;
        let rope = job.rope.clone();
        let Ok(mut full) = this.run(job).await else {
            return;
        };
        drop(slot);
        let parsed = !carry::has_syntax_error(&full.diagnostics);
        if parsed && full.module_broken {
            // Another file of the module is being edited into shape: keep
            // what the client shows (computed on the module when it last
            // parsed) rather than clearing it, once something was shown.
            let shown = this
                .state()
                .docs
                .get(uri)
                .is_some_and(|o| o.last_good.is_some());
            if shown {
                return;
            }
        }
        if !parsed {
            if let Some(good) = this.last_good(uri).await {
                full.diagnostics = carry::with_last_good(
                    &full.diagnostics,
                    &full.text,
                    &good.text,
                    &good.diagnostics,
                );
            }
        }
        let full = Arc::new(full);
        // Serialise off the runtime's threads, once, straight to JSON.
        let encoding = this.encoding();
        let cap = this.state().options.max_diagnostics;
        let framed = {
            let full = full.clone();
            this.blocking("publishing", move |_| {
                convert::publish_parts(
                    full.uri.as_str(),
                    Some(full.version),
                    &convert::capped(&full.diagnostics, cap),
                    &full.positions(encoding),
                )
            })
            .await
        };
        let Ok(framed) = framed else {
            return;
        };
        let _turn = this.inner.publish.lock().await;
        {
            let mut st = this.state();
            let epoch = st.epoch;
            let Some(open) = st.docs.get_mut(uri) else {
                return;
            };
            if open.generation != generation || open.doc.version() != version {
                return;
            }
            // Idle from now on: the client may see the result at once.
            open.settled = generation;
            if parsed {
                open.last_good = Some(Good {
                    version,
                    rope,
                    full: None,
                });
            }
            if full.epoch == epoch {
                st.recent.put(full.clone());
            }
        }
        this.inner.output.send_parts(framed);
        drop(_turn);
        let count = full.diagnostics.len();
        let message = format!(
            "published {count} diagnostics for {} version {version}",
            uri.as_str()
        );
        drop(full);
        this.trace(message, || {
            format!("analysed in {} ms", started.elapsed().as_millis())
        })
        .await;
    }

    /// The complete analysis of the document's current version, with the
    /// fixes' edits when `edits`: a recent one when current, else a fresh
    /// one (not published).
    async fn current(&self, uri: &lsp::Uri, edits: bool) -> Result<Option<Arc<Full>>> {
        let job = {
            let st = self.state();
            let Some(open) = st.docs.get(uri) else {
                return Ok(None);
            };
            if let Some(full) = st
                .recent
                .get(uri, open.doc.version(), st.epoch, st.tf_rev)
                .filter(|f| !edits || f.fixes == Fixes::Edits)
            {
                return Ok(Some(full));
            }
            drop(st);
            let fixes = if edits { Fixes::Edits } else { Fixes::Titles };
            self.job(uri, None, fixes)
        };
        let Some(job) = job else {
            return Ok(None);
        };
        let full = Arc::new(self.run(job).await?);
        let mut st = self.state();
        let current = st
            .docs
            .get(uri)
            .is_some_and(|o| o.doc.version() == full.version);
        if current && full.epoch == st.epoch {
            st.recent.put(full.clone());
        }
        Ok(Some(full))
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
        let open: Vec<lsp::Uri> = {
            let mut st = self.state();
            st.epoch += 1;
            st.recent = Recent::default();
            for open in st.docs.values_mut() {
                if let Some(good) = open.last_good.as_mut() {
                    good.full = None;
                }
            }
            st.docs.keys().cloned().collect()
        };
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

fn hover_at(full: &Full, pos: lsp::Position, encoding: Encoding) -> Option<lsp::Hover> {
    let p = full.positions(encoding);
    let offset = p.offset(pos);
    let format = full.kind.map(FileKind::format);
    let markdown = |value: String| {
        lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value,
        })
    };
    let rule_markdown = |rule| match full.tf {
        Some(_) => docs::rule_markdown_hcl(rule),
        None => docs::rule_markdown_in(rule, format),
    };
    // A finding first: its rule's documentation.
    let finding = full.diagnostics.iter().find_map(|d| {
        let on = d.span.contains(offset) || d.span.start == offset || d.span.end == offset;
        rules::find(&d.code)
            .filter(|r| on && r.id == d.code)
            .map(|r| (r, d.span))
    });
    if let Some((rule, span)) = finding {
        return Some(lsp::Hover {
            contents: markdown(rule_markdown(rule)),
            range: Some(p.range(span)),
        });
    }
    // Else an S3 resource type or a property a rule looks at.
    let g = match full.tf {
        Some(Role::Hcl) => hover::guidance_tf(&full.text, false, offset)?,
        Some(Role::Json) => hover::guidance_tf(&full.text, true, offset)?,
        Some(Role::Vars) => return None,
        None => hover::guidance(full.kind?, &full.text, offset)?,
    };
    Some(lsp::Hover {
        contents: markdown(g.markdown),
        range: Some(p.range(g.span)),
    })
}

/// "Suppress S3-xxx for resource `R`", rendered on `full` (the current
/// version) for the finding `d`.
fn suppress_action(
    full: &Full,
    encoding: Encoding,
    d: &lsp::Diagnostic,
    data: &DiagnosticData,
) -> Option<lsp::CodeActionOrCommand> {
    let resource = data.resource.as_deref()?;
    let Some(lsp::NumberOrString::String(code)) = &d.code else {
        return None;
    };
    let pos = full.positions(encoding);
    let edits = match full.tf {
        // A comment above the header of the block holding the finding
        // covers the whole block (`.tf.json` and tfvars get none).
        Some(role) => {
            let at = matching(full, &pos, d).map(|x| x.span);
            analysis::suppression_edits_tf(role, &full.text, resource, code, at)?
        }
        None => analysis::suppression_edits(full.kind?, &full.text, resource, code)?,
    };
    let edits = edits
        .iter()
        .map(|e| lsp::TextEdit::new(pos.range(e.span), e.text.clone()))
        .collect();
    Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: format!("Suppress {code} for resource `{resource}`"),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![d.clone()]),
        edit: Some(workspace_edit(&full.uri, edits)),
        is_preferred: Some(false),
        ..Default::default()
    }))
}

/// The core diagnostic of `full` that the client's diagnostic `d` shows:
/// same code, range and message.
fn matching<'a>(
    full: &'a Full,
    pos: &Positions,
    d: &lsp::Diagnostic,
) -> Option<&'a analysis::Diagnostic> {
    let Some(lsp::NumberOrString::String(code)) = &d.code else {
        return None;
    };
    full.diagnostics
        .iter()
        .find(|x| &x.code == code && x.message == d.message && pos.range(x.span) == d.range)
}

/// A workspace edit with snippet edits, in the form the client takes
/// (see [`Snippets`]): edits that have a snippet carry it, the others are
/// plain text edits.
fn snippet_edit(
    uri: &lsp::Uri,
    version: i32,
    edits: &[Edit],
    pos: &Positions,
    form: Snippets,
) -> serde_json::Value {
    let edits: Vec<serde_json::Value> = edits
        .iter()
        .map(|e| {
            let range = pos.range(e.span);
            match (&e.snippet, form) {
                (Some(s), Snippets::Lsp318) => serde_json::json!({
                    "range": range,
                    "snippet": {"kind": "snippet", "value": s},
                }),
                (Some(s), Snippets::RustAnalyzer) => {
                    serde_json::json!({"range": range, "newText": s, "insertTextFormat": 2})
                }
                _ => serde_json::json!({"range": range, "newText": e.text}),
            }
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

/// The quick fixes for the client's diagnostics, from the complete
/// analysis of the current version.
fn quick_fixes(
    full: &Full,
    encoding: Encoding,
    snippets: Snippets,
    diagnostics: &[lsp::Diagnostic],
) -> Vec<lsp::CodeActionOrCommand> {
    let pos = full.positions(encoding);
    let mut out = Vec::new();
    for d in diagnostics {
        let Some(data) = d
            .data
            .clone()
            .and_then(|v| serde_json::from_value::<DiagnosticData>(v).ok())
        else {
            continue;
        };
        // A diagnostic of another version would get edits for the wrong
        // text.
        if data.version != full.version {
            continue;
        }
        let fix = data
            .fix
            .as_ref()
            .and_then(|_| matching(full, &pos, d))
            .and_then(|x| x.fix.as_ref());
        if let Some(fix) = fix {
            let has_snippet = fix.edits.iter().any(|e| e.snippet.is_some());
            let snippet = (snippets != Snippets::No && has_snippet).then(|| {
                let edit = snippet_edit(&full.uri, full.version, &fix.edits, &pos, snippets);
                serde_json::json!({ EDIT_KEY: edit })
            });
            let edits = fix
                .edits
                .iter()
                .map(|e| lsp::TextEdit::new(pos.range(e.span), e.text.clone()))
                .collect();
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title.clone(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(workspace_edit(&full.uri, edits)),
                is_preferred: Some(fix.applicability == Applicability::Safe),
                data: snippet,
                ..Default::default()
            }));
        }
        if let Some(action) = suppress_action(full, encoding, d, &data) {
            out.push(action);
        }
    }
    out
}

/// Every safe fix of `full` that does not overlap an earlier chosen one,
/// as `check --fix` chooses them in one pass.
fn fix_all_edits(full: &Full, encoding: Encoding) -> Vec<lsp::TextEdit> {
    let mut chosen: Vec<Span> = Vec::new();
    let mut edits = Vec::new();
    let pos = full.positions(encoding);
    for fix in full.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
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
            let rust_analyzer = params
                .capabilities
                .experimental
                .as_ref()
                .and_then(|e| e.get("snippetTextEdit"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            st.snippets = if self
                .inner
                .extras
                .snippet_edit_support
                .load(Ordering::Relaxed)
            {
                Snippets::Lsp318
            } else if rust_analyzer {
                Snippets::RustAnalyzer
            } else {
                Snippets::No
            };
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
        // Config files, and the Terraform files of the modules of open
        // documents (created, changed, deleted).
        let watchers = crate::config::FILE_NAMES
            .iter()
            .map(|name| format!("**/{name}"))
            .chain(TF_GLOBS.iter().map(|g| g.to_string()))
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob),
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
            eprintln!("bucketguard: cannot watch config and Terraform files: {e}");
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

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        // A Terraform file created, changed or deleted on disk changes the
        // modules of its folder; anything else may be a config file.
        let mut dirs: HashSet<PathBuf> = HashSet::new();
        let mut other = false;
        for change in &params.changes {
            let path = file_path(&change.uri);
            match path.parent() {
                Some(dir) if Role::of(&path.to_string_lossy()).is_some() => {
                    dirs.insert(dir.to_path_buf());
                }
                _ => other = true,
            }
        }
        if other {
            self.republish_all();
            return;
        }
        let affected: Vec<lsp::Uri> = {
            let mut st = self.state();
            st.tf_rev += 1;
            dirs.iter().flat_map(|d| st.module_members(d)).collect()
        };
        for uri in affected {
            self.schedule(uri, Duration::ZERO);
        }
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let d = params.text_document;
        let version = d.version;
        let opened = guarded("didOpen", || {
            let mut st = self.state();
            let previous = st.docs.insert(
                d.uri.clone(),
                Open {
                    doc: Document::new(&d.text, version, &d.language_id),
                    last_good: None,
                    generation: 0,
                    settled: 0,
                    last_change: Instant::now(),
                },
            );
            drop(previous);
            Backend::module_changed(&mut st, &d.uri)
        });
        if let Ok(peers) = opened {
            self.schedule(d.uri, Duration::ZERO);
            for peer in peers {
                self.schedule(peer, Duration::ZERO);
            }
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
        let now = Instant::now();
        let applied = guarded("didChange", || {
            let mut st = self.state();
            let encoding = st.encoding;
            let debounce = st.options.debounce;
            let Some(open) = st.docs.get_mut(&uri) else {
                return Err("didChange for a document that is not open".to_string());
            };
            let delay = open
                .doc
                .apply_changes(version, &changes, encoding)
                .map(|()| open.delay(now, debounce))
                .map_err(|e| format!("didChange refused: {e}"))?;
            Ok((delay, Backend::module_changed(&mut st, &uri)))
        });
        match applied {
            Ok(Ok((delay, peers))) => {
                self.schedule(uri, delay);
                // The module's other open files see the change too.
                for peer in peers {
                    self.schedule(peer, delay);
                }
            }
            Ok(Err(message)) => self.warn(message).await,
            Err(_) => {}
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let peers = guarded("didClose", || {
            let mut st = self.state();
            // The file's text on disk replaces the editor's in its module.
            let peers = Backend::module_changed(&mut st, &uri);
            let dir = st
                .docs
                .get(&uri)
                .and_then(|o| tf_dir(&uri, o.doc.language_id()));
            st.docs.remove(&uri);
            st.recent.forget(&uri);
            self.inner.reuse.forget(&uri);
            if peers.is_empty() {
                let key = dir.unwrap_or_else(|| PathBuf::from(uri.as_str()));
                st.modules.remove(&(key.clone(), false));
                st.modules.remove(&(key.clone(), true));
                st.parsed.remove(&key);
            }
            peers
        })
        .unwrap_or_default();
        for peer in peers {
            self.schedule(peer, Duration::ZERO);
        }
        let index = LineIndex::new("");
        let pos = Positions {
            text: "",
            index: &index,
            encoding: Encoding::Utf16,
        };
        let body = convert::publish_body(uri.as_str(), None, &[], &pos);
        let _turn = self.inner.publish.lock().await;
        self.inner.output.send(super::stdio::frame(&body));
        drop(_turn);
        self.release_when_idle();
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let p = params.text_document_position_params;
        let Some(full) = self.current(&p.text_document.uri, false).await? else {
            return Ok(None);
        };
        let encoding = self.encoding();
        guarded("hover", || hover_at(&full, p.position, encoding))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let only = params.context.only.as_ref();
        let snippets = self.state().snippets;
        let mut actions: lsp::CodeActionResponse = Vec::new();
        let quick =
            wants(only, &lsp::CodeActionKind::QUICKFIX) && !params.context.diagnostics.is_empty();
        let fix_all = wants(only, &FIX_ALL);
        if !quick && !fix_all {
            return Ok(Some(actions));
        }
        let Some(full) = self.current(&uri, true).await? else {
            return Ok(None);
        };
        let encoding = self.encoding();
        if quick {
            let diagnostics = &params.context.diagnostics;
            let out = guarded("codeAction", || {
                quick_fixes(&full, encoding, snippets, diagnostics)
            })?;
            actions.extend(out);
        }
        if fix_all {
            let edits = guarded("codeAction", || fix_all_edits(&full, encoding))?;
            if !edits.is_empty() {
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: "Apply all safe bucketguard fixes".to_string(),
                    kind: Some(FIX_ALL),
                    edit: Some(workspace_edit(&uri, edits)),
                    ..Default::default()
                }));
            }
        }
        Ok(Some(actions))
    }
}

#[cfg(test)]
#[path = "server_tests.rs"]
mod tests;
