//! A layer around the tower-lsp-server service, between the transport and
//! the handlers:
//!
//! * a panic in any handler answers that request with an internal error
//!   (a notification is dropped) and the server goes on;
//! * a code action whose `data` holds [`EDIT_KEY`] gets that value as its
//!   `edit`: this is how snippet edits (rust-analyzer's
//!   `experimental.snippetTextEdit`, which the typed LSP structs cannot
//!   express) reach the client;
//! * the raw `initialize` request is read for client capabilities the
//!   typed structs drop ([`ClientExtras`]);
//! * an `exit` notification is signalled ([`Guard::exited`]): the library
//!   only returns once every handler has finished, and a handler may be
//!   waiting for the client's answer to a request of ours
//!   (`workspace/configuration`, `client/registerCapability`) that a
//!   client which is quitting never sends.

use futures::future::{BoxFuture, FutureExt};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_service::Service;

/// Key of a code action's `data` holding the edit to send in its place.
pub const EDIT_KEY: &str = "bucketguardEdit";

/// Client capabilities the typed LSP structs cannot express, read from
/// the raw `initialize` request before the handler sees it.
#[derive(Debug, Default)]
pub struct ClientExtras {
    /// `workspace.workspaceEdit.snippetEditSupport` (LSP 3.18).
    pub snippet_edit_support: AtomicBool,
}

impl ClientExtras {
    fn read(&self, params: &Value) {
        let snippets = params
            .pointer("/capabilities/workspace/workspaceEdit/snippetEditSupport")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        self.snippet_edit_support.store(snippets, Ordering::Relaxed);
    }
}

pub struct Guard<S> {
    inner: S,
    extras: Arc<ClientExtras>,
    exited: Arc<tokio::sync::Notify>,
}

impl<S> Guard<S> {
    pub fn new(inner: S, extras: Arc<ClientExtras>) -> Guard<S> {
        Guard {
            inner,
            extras,
            exited: Arc::default(),
        }
    }

    /// Notified (once, with a stored permit) when the client sends `exit`.
    pub fn exited(&self) -> Arc<tokio::sync::Notify> {
        self.exited.clone()
    }
}

fn internal_error(method: &str) -> Error {
    let mut e = Error::internal_error();
    e.message = format!("bucketguard: internal error in {method}").into();
    e
}

impl<S> Service<Request> for Guard<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        if method == "initialize" {
            if let Some(params) = req.params() {
                self.extras.read(params);
            }
        }
        if method == "exit" {
            self.exited.notify_one();
        }
        let panicked = move |id: Option<_>, method: &str| {
            eprintln!("bucketguard: panic while handling {method}");
            id.map(|id| Response::from_error(id, internal_error(method)))
        };
        let fut = match catch_unwind(AssertUnwindSafe(|| self.inner.call(req))) {
            Ok(fut) => fut,
            Err(_) => {
                let resp = panicked(id, &method);
                return async move { Ok(resp) }.boxed();
            }
        };
        async move {
            match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(Ok(Some(resp))) if method == "textDocument/codeAction" => {
                    Ok(Some(swap_edits(resp)))
                }
                Ok(other) => other,
                Err(_) => Ok(panicked(id, &method)),
            }
        }
        .boxed()
    }
}

/// Move `data.bucketguardEdit` of each code action to its `edit`.
pub fn swap_edits(resp: Response) -> Response {
    let (id, body) = resp.into_parts();
    let body = body.map(|mut result| {
        if let Value::Array(actions) = &mut result {
            for action in actions.iter_mut() {
                let Some(obj) = action.as_object_mut() else {
                    continue;
                };
                let edit = obj
                    .get_mut("data")
                    .and_then(Value::as_object_mut)
                    .and_then(|d| d.remove(EDIT_KEY));
                if let Some(edit) = edit {
                    obj.insert("edit".to_string(), edit);
                    obj.remove("data");
                }
            }
        }
        result
    });
    Response::from_parts(id, body)
}

#[cfg(test)]
#[path = "service_tests.rs"]
mod tests;
