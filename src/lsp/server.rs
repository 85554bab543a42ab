//! The protocol handlers: document sync, diagnostics, code actions and the editor features
//! of [`super::features`]. Thin: the work is done
//! by the core, on tokio's blocking pool and under `catch_unwind`, so that a request can be
//! cancelled while the core runs and a panic becomes a message instead of a crash.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tower_lsp_server::gen_lsp_types as lsp;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::{Client, LanguageServer};

use super::Engine;
use super::actions;
use super::convert;
use super::document::{Change, Documents, Snapshot};
use super::features;
use super::position::Encoding;
use super::workspace::{Configs, ContextFiles, Notice};

/// The files whose changes the client is asked to report: ignore files and configurations.
const WATCHED_FILES: &[&str] = &[
    "**/.dockerignore",
    "**/*.dockerignore",
    "**/.dflint.toml",
    "**/.dflint.yaml",
    "**/.hadolint.yaml",
    "**/.hadolint.yml",
];

/// The language server: open documents, the negotiated encoding, the configurations read,
/// and the core functions it checks and fixes with.
#[derive(Clone)]
pub struct Server {
    client: Client,
    shared: Arc<Shared>,
}

/// What the handlers and the core work they start share.
struct Shared {
    engine: Engine,
    documents: Documents,
    configs: Configs,
    context_files: ContextFiles,
    encoding: Mutex<Encoding>,
    /// Whether the client lets the server register file watchers.
    can_watch_files: AtomicBool,
    /// How many folding ranges the client takes (`rangeLimit`).
    folding_limit: AtomicUsize,
    /// Whether the client answers `workspace/configuration`.
    can_pull_settings: AtomicBool,
    /// The notices about the settings sent in `initializationOptions`, shown once
    /// initialized; `None` when none were sent.
    initial_settings: Mutex<Option<Vec<Notice>>>,
    /// Held from the last version check to the end of sending diagnostics, so that the
    /// diagnostics of an older version are never sent after those of a newer one.
    publishing: tokio::sync::Mutex<()>,
}

/// The text of a panic's payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(ToString::to_string)
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Runs core work on the blocking pool, catching a panic. When the request that awaits it
/// is cancelled, the work finishes in the background and its result is dropped.
async fn run_core<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let task =
        tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(work)));
    match task.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => Err(panic_message(payload.as_ref())),
        Err(e) => Err(e.to_string()),
    }
}

/// A job for the checking thread.
type Job = Box<dyn FnOnce() + Send>;

/// Runs the checks of documents on one long-lived thread, catching a panic: the shell
/// scripts a check parses are kept per thread, so that the next check of the same
/// document, one keystroke later, finds those of the RUNs the edit left alone.
async fn run_check<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    static CHECKER: std::sync::OnceLock<Mutex<std::sync::mpsc::Sender<Job>>> =
        std::sync::OnceLock::new();
    let sender = CHECKER.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::channel::<Job>();
        // Should the thread not start, the receiver is dropped and each check fails below.
        let _ = std::thread::Builder::new()
            .name("dflint-check".to_string())
            .spawn(move || {
                while let Ok(job) = receiver.recv() {
                    job();
                }
            });
        Mutex::new(sender)
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(std::panic::catch_unwind(AssertUnwindSafe(work)));
    });
    let sent = sender
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .send(job);
    if sent.is_err() {
        return Err("the checking thread is gone".to_string());
    }
    match rx.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(payload)) => Err(panic_message(payload.as_ref())),
        Err(e) => Err(e.to_string()),
    }
}

/// The answer to a request whose core work panicked.
fn internal_error(message: &str) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InternalError,
        message: format!("dflint panicked: {message}").into(),
        data: None,
    }
}

/// The protocol's `RequestFailed`: the request was valid but cannot be carried out.
const REQUEST_FAILED: i64 = -32803;

impl Server {
    /// A server that checks and fixes with `engine` (the core's functions, except in tests).
    #[must_use]
    pub fn new(client: Client, engine: Engine) -> Self {
        Server {
            client,
            shared: Arc::new(Shared {
                engine,
                documents: Documents::default(),
                configs: Configs::default(),
                context_files: ContextFiles::default(),
                encoding: Mutex::new(Encoding::default()),
                can_watch_files: AtomicBool::new(false),
                can_pull_settings: AtomicBool::new(false),
                folding_limit: AtomicUsize::new(usize::MAX),
                initial_settings: Mutex::new(None),
                publishing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The position encoding negotiated with the client.
    #[must_use]
    pub fn encoding(&self) -> Encoding {
        *self
            .shared
            .encoding
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The current text and version of an open document, for features to work on.
    #[must_use]
    pub fn snapshot(&self, uri: &lsp::Uri) -> Option<Snapshot> {
        self.shared.documents.snapshot(uri, self.encoding())
    }

    /// Tells the user that the core panicked; the server goes on.
    async fn report_panic(&self, what: &str, message: &str) {
        let text = format!(
            "dflint: internal error while {what}: {message}. Please report it; the server goes on."
        );
        self.client
            .log_message(lsp::MessageType::Error, &text)
            .await;
        self.client
            .show_message(lsp::MessageType::Error, text)
            .await;
    }

    async fn show_notices(&self, notices: Vec<Notice>) {
        for notice in notices {
            let (error, consequence) = match notice {
                Notice::Error(e) => (e, "using the default configuration"),
                Notice::SettingsError(e) => (e, "these settings are not used"),
                Notice::Warning(w) => {
                    self.client
                        .log_message(lsp::MessageType::Warning, format!("dflint: {w}"))
                        .await;
                    continue;
                }
            };
            self.client
                .show_message(
                    lsp::MessageType::Error,
                    format!("dflint: {error}; {consequence}"),
                )
                .await;
        }
    }

    /// Checks the current version of a document and publishes its diagnostics, unless a
    /// newer version arrived in the meantime (its own check publishes then).
    async fn check_and_publish(&self, uri: lsp::Uri) {
        let Some(snapshot) = self.snapshot(&uri) else {
            return;
        };
        let version = snapshot.version;
        let shared = self.shared.clone();
        let result = run_check(move || {
            if shared.documents.version(&snapshot.uri) != Some(snapshot.version) {
                return None;
            }
            let (resolved, notices) = shared.configs.resolve(&snapshot.uri);
            let found = (shared.engine.check)(&snapshot.text, &resolved.settings());
            let index = snapshot.index();
            let diagnostics: Vec<lsp::Diagnostic> = found
                .iter()
                .map(|d| convert::diagnostic(&snapshot.uri, &index, d, snapshot.encoding))
                .collect();
            Some((diagnostics, notices))
        })
        .await;
        match result {
            Ok(None) => {}
            Ok(Some((diagnostics, notices))) => {
                self.show_notices(notices).await;
                let _publishing = self.shared.publishing.lock().await;
                if self.shared.documents.version(&uri) == Some(version) {
                    self.client
                        .publish_diagnostics(uri, diagnostics, Some(version))
                        .await;
                }
            }
            Err(message) => {
                self.report_panic(&format!("checking {}", uri.as_ref()), &message)
                    .await;
            }
        }
    }

    /// Runs `work` on the current snapshot of the document at `uri` (with what the server
    /// shares), on the blocking pool. `None` when the document is not open; a panic is
    /// reported to the user and answered with an internal error.
    async fn on_document<T: Send + 'static>(
        &self,
        uri: &lsp::Uri,
        what: &str,
        work: impl FnOnce(&Snapshot, &Shared) -> T + Send + 'static,
    ) -> jsonrpc::Result<Option<T>> {
        let Some(snapshot) = self.snapshot(uri) else {
            return Ok(None);
        };
        let shared = self.shared.clone();
        match run_core(move || work(&snapshot, &shared)).await {
            Ok(value) => Ok(Some(value)),
            Err(message) => {
                self.report_panic(what, &message).await;
                Err(internal_error(&message))
            }
        }
    }

    /// Asks the client for the `dflint` settings and uses them. `false` when the client
    /// does not answer `workspace/configuration` or answers with an error.
    async fn pull_settings(&self) -> bool {
        if !self.shared.can_pull_settings.load(Ordering::Relaxed) {
            return false;
        }
        let item = lsp::ConfigurationItem {
            scope_uri: None,
            section: Some("dflint".to_string()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                let value = values.into_iter().next().unwrap_or_default();
                let notices = self.shared.configs.set_editor_settings(&value);
                self.show_notices(notices).await;
                true
            }
            Err(error) => {
                self.client
                    .log_message(
                        lsp::MessageType::Warning,
                        format!("dflint: could not read the editor's settings: {error}"),
                    )
                    .await;
                false
            }
        }
    }

    /// Checks every open document again, after a configuration or ignore file changed.
    async fn check_all(&self) {
        for uri in self.shared.documents.uris() {
            self.check_and_publish(uri).await;
        }
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

/// The parameters of [`super::transport::MALFORMED`].
#[derive(serde::Deserialize)]
pub struct Malformed {
    code: i64,
}

impl Server {
    /// Answers a message the transport found malformed with its JSON-RPC error.
    ///
    /// # Errors
    /// Always: the error is the answer.
    pub async fn malformed_message(&self, params: Malformed) -> jsonrpc::Result<()> {
        Err(jsonrpc::Error::new(jsonrpc::ErrorCode::from(params.code)))
    }
}

impl LanguageServer for Server {
    async fn initialize(
        &self,
        params: lsp::InitializeParams,
    ) -> jsonrpc::Result<lsp::InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let encoding = convert::negotiate(offered);
        let can_watch_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.shared
            .can_watch_files
            .store(can_watch_files, Ordering::Relaxed);
        let can_pull_settings = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        self.shared
            .can_pull_settings
            .store(can_pull_settings, Ordering::Relaxed);
        if let Some(limit) = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.folding_range.as_ref())
            .and_then(|f| f.range_limit)
        {
            self.shared
                .folding_limit
                .store(limit as usize, Ordering::Relaxed);
        }
        if let Some(options) = &params.initialization_options {
            let notices = self.shared.configs.set_editor_settings(options);
            *self
                .shared
                .initial_settings
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(notices);
        }
        *self
            .shared
            .encoding
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = encoding;
        Ok(lsp::InitializeResult {
            capabilities: lsp::ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(
                    lsp::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(lsp::TextDocumentSyncKind::Incremental),
                        ..lsp::TextDocumentSyncOptions::default()
                    }
                    .into(),
                ),
                code_action_provider: Some(
                    lsp::CodeActionOptions {
                        code_action_kinds: Some(vec![
                            lsp::CodeActionKind::QuickFix,
                            lsp::CodeActionKind::SourceFixAll,
                            lsp::CodeActionKind::new(actions::FIX_ALL),
                        ]),
                        ..lsp::CodeActionOptions::default()
                    }
                    .into(),
                ),
                hover_provider: Some(true.into()),
                completion_provider: Some(lsp::CompletionOptions {
                    trigger_characters: Some(strings(features::COMPLETION_TRIGGERS)),
                    resolve_provider: Some(true),
                    ..lsp::CompletionOptions::default()
                }),
                signature_help_provider: Some(lsp::SignatureHelpOptions {
                    trigger_characters: Some(strings(features::SIGNATURE_TRIGGERS)),
                    ..lsp::SignatureHelpOptions::default()
                }),
                definition_provider: Some(true.into()),
                references_provider: Some(true.into()),
                document_highlight_provider: Some(true.into()),
                document_symbol_provider: Some(true.into()),
                folding_range_provider: Some(true.into()),
                rename_provider: Some(
                    lsp::RenameOptions {
                        prepare_provider: Some(true),
                        ..lsp::RenameOptions::default()
                    }
                    .into(),
                ),
                semantic_tokens_provider: Some(
                    lsp::SemanticTokensOptions {
                        legend: features::legend(),
                        range: Some(true.into()),
                        full: Some(true.into()),
                        work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
                    }
                    .into(),
                ),
                inlay_hint_provider: Some(true.into()),
                code_lens_provider: Some(lsp::CodeLensOptions::default()),
                document_link_provider: Some(lsp::DocumentLinkOptions::default()),
                document_formatting_provider: Some(true.into()),
                document_range_formatting_provider: Some(true.into()),
                document_on_type_formatting_provider: Some(lsp::DocumentOnTypeFormattingOptions {
                    first_trigger_character: features::ON_TYPE_TRIGGERS.0.to_string(),
                    more_trigger_character: Some(strings(features::ON_TYPE_TRIGGERS.1)),
                }),
                ..lsp::ServerCapabilities::default()
            },
            server_info: Some(lsp::ServerInfo {
                name: "dflint".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    /// Shows what was wrong with the initial settings, asks for the settings when none came
    /// with `initialize`, and asks the client to watch the files that change how documents
    /// are checked, when it allows that. The requests run apart so that documents are
    /// served meanwhile.
    async fn initialized(&self, _: lsp::InitializedParams) {
        let initial = self
            .shared
            .initial_settings
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(notices) = initial {
            self.show_notices(notices).await;
        } else {
            let server = self.clone();
            tokio::spawn(async move {
                if server.pull_settings().await {
                    server.check_all().await;
                }
            });
        }
        if !self.shared.can_watch_files.load(Ordering::Relaxed) {
            return;
        }
        let watchers = WATCHED_FILES
            .iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::Pattern((*glob).to_string()),
                kind: None,
            })
            .collect();
        let registration = lsp::Registration {
            id: "dflint-watched-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(lsp::DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })
            .ok(),
        };
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(error) = client.register_capability(vec![registration]).await {
                client
                    .log_message(
                        lsp::MessageType::Warning,
                        format!("dflint: could not watch configuration files: {error}"),
                    )
                    .await;
            }
        });
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let document = params.text_document;
        self.shared
            .documents
            .open(document.uri.clone(), document.text, document.version);
        self.check_and_publish(document.uri).await;
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        // The changes are applied before the first `await`: handlers start in the order
        // the notifications arrive, so changes apply in that order too.
        let uri = params.text_document.text_document_identifier.uri;
        let changes = params
            .content_changes
            .into_iter()
            .map(|change| match change {
                lsp::TextDocumentContentChangeEvent::TextDocumentContentChangePartial(c) => {
                    Change {
                        range: Some(c.range),
                        text: c.text,
                    }
                }
                lsp::TextDocumentContentChangeEvent::TextDocumentContentChangeWholeDocument(c) => {
                    Change {
                        range: None,
                        text: c.text,
                    }
                }
            })
            .collect();
        let known = self.shared.documents.change(
            &uri,
            params.text_document.version,
            changes,
            self.encoding(),
        );
        if known {
            self.check_and_publish(uri).await;
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.shared.documents.close(&uri);
        let _publishing = self.shared.publishing.lock().await;
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    /// New settings: those sent, or when the client sends none (`null`, as clients that
    /// expect to be asked do), those it answers with. Every open document is checked again.
    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let pushed = params.settings.get("dflint").is_some();
        if pushed || !self.pull_settings().await {
            let notices = self.shared.configs.set_editor_settings(&params.settings);
            self.show_notices(notices).await;
        }
        self.check_all().await;
    }

    async fn did_change_watched_files(&self, _: lsp::DidChangeWatchedFilesParams) {
        self.shared.context_files.forget();
        self.check_all().await;
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::CodeActionResponse>>> {
        let range = params.range;
        let only = params.context.only;
        self.on_document(
            &params.text_document.uri,
            "computing code actions",
            move |snapshot, shared| {
                let (resolved, _) = shared.configs.resolve(&snapshot.uri);
                actions::code_actions(snapshot, &resolved, shared.engine, range, only.as_deref())
            },
        )
        .await
    }

    async fn hover(&self, params: lsp::HoverParams) -> jsonrpc::Result<Option<lsp::Hover>> {
        let at = params.text_document_position_params;
        self.on_document(
            &at.text_document.uri,
            "computing a hover",
            move |snapshot, shared| {
                let (resolved, _) = shared.configs.resolve(&snapshot.uri);
                let found = (shared.engine.check)(&snapshot.text, &resolved.settings());
                features::hover(snapshot, at.position, &found)
            },
        )
        .await
        .map(Option::flatten)
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> jsonrpc::Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position_params;
        self.on_document(
            &at.text_document.uri,
            "completing",
            move |snapshot, shared| {
                let files = shared.context_files.of(&snapshot.uri).unwrap_or_default();
                lsp::CompletionResponse::CompletionItemList(features::completions(
                    snapshot,
                    at.position,
                    &files,
                ))
            },
        )
        .await
    }

    async fn completion_resolve(
        &self,
        item: lsp::CompletionItem,
    ) -> jsonrpc::Result<lsp::CompletionItem> {
        match run_core(move || features::resolve_completion(item)).await {
            Ok(item) => Ok(item),
            Err(message) => {
                self.report_panic("resolving a completion", &message).await;
                Err(internal_error(&message))
            }
        }
    }

    async fn signature_help(
        &self,
        params: lsp::SignatureHelpParams,
    ) -> jsonrpc::Result<Option<lsp::SignatureHelp>> {
        let at = params.text_document_position_params;
        self.on_document(
            &at.text_document.uri,
            "computing signature help",
            move |s, _| features::signature_help(s, at.position),
        )
        .await
        .map(Option::flatten)
    }

    async fn goto_definition(
        &self,
        params: lsp::DefinitionParams,
    ) -> jsonrpc::Result<Option<lsp::DefinitionResponse>> {
        let at = params.text_document_position_params;
        self.on_document(
            &at.text_document.uri,
            "finding a definition",
            move |s, _| {
                lsp::DefinitionResponse::Definition(lsp::Definition::LocationList(
                    features::definition(s, at.position),
                ))
            },
        )
        .await
    }

    async fn references(
        &self,
        params: lsp::ReferenceParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::Location>>> {
        let at = params.text_document_position_params;
        let include_declaration = params.context.include_declaration;
        self.on_document(&at.text_document.uri, "finding references", move |s, _| {
            features::references(s, at.position, include_declaration)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.on_document(&at.text_document.uri, "highlighting", move |s, _| {
            features::highlights(s, at.position)
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<lsp::PrepareRenameResult>> {
        self.on_document(
            &params.text_document.uri,
            "preparing a rename",
            move |s, _| features::prepare_rename(s, params.position),
        )
        .await
        .map(Option::flatten)
    }

    async fn rename(
        &self,
        params: lsp::RenameParams,
    ) -> jsonrpc::Result<Option<lsp::WorkspaceEdit>> {
        let at = params.text_document_position_params;
        let new_name = params.new_name;
        let result = self
            .on_document(&at.text_document.uri, "renaming", move |s, _| {
                features::rename(s, at.position, &new_name)
            })
            .await?;
        match result {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(refused)) => Err(jsonrpc::Error {
                code: jsonrpc::ErrorCode::from(REQUEST_FAILED),
                message: refused.to_string().into(),
                data: None,
            }),
        }
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<lsp::DocumentSymbolResponse>> {
        self.on_document(&params.text_document.uri, "listing symbols", |s, _| {
            lsp::DocumentSymbolResponse::DocumentSymbolList(features::document_symbols(s))
        })
        .await
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::FoldingRange>>> {
        self.on_document(
            &params.text_document.uri,
            "computing folding ranges",
            |s, shared| features::folding_ranges(s, shared.folding_limit.load(Ordering::Relaxed)),
        )
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> jsonrpc::Result<Option<lsp::SemanticTokens>> {
        self.on_document(
            &params.text_document.uri,
            "computing semantic tokens",
            |s, _| features::semantic_tokens(s, None),
        )
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: lsp::SemanticTokensRangeParams,
    ) -> jsonrpc::Result<Option<lsp::SemanticTokens>> {
        let range = params.range;
        self.on_document(
            &params.text_document.uri,
            "computing semantic tokens",
            move |s, _| features::semantic_tokens(s, Some(range)),
        )
        .await
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::InlayHint>>> {
        let range = params.range;
        self.on_document(
            &params.text_document.uri,
            "computing inlay hints",
            move |s, _| features::inlay_hints(s, range),
        )
        .await
    }

    async fn code_lens(
        &self,
        params: lsp::CodeLensParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::CodeLens>>> {
        self.on_document(
            &params.text_document.uri,
            "computing code lenses",
            |s, shared| {
                let files = shared.context_files.of(&s.uri);
                features::code_lenses(s, files.as_deref().map(Vec::as_slice))
            },
        )
        .await
    }

    async fn document_link(
        &self,
        params: lsp::DocumentLinkParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::DocumentLink>>> {
        self.on_document(&params.text_document.uri, "listing links", |s, _| {
            features::document_links(s)
        })
        .await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::TextEdit>>> {
        self.on_document(&params.text_document.uri, "formatting", |s, _| {
            features::format(s)
        })
        .await
    }

    async fn on_type_formatting(
        &self,
        params: lsp::DocumentOnTypeFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::TextEdit>>> {
        let (position, typed) = (params.position, params.ch);
        self.on_document(&params.text_document.uri, "formatting", move |s, _| {
            features::on_type_formatting(s, position, &typed)
        })
        .await
    }

    async fn range_formatting(
        &self,
        params: lsp::DocumentRangeFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<lsp::TextEdit>>> {
        let range = params.range;
        self.on_document(&params.text_document.uri, "formatting", move |s, _| {
            features::format_range(s, range)
        })
        .await
    }
}
