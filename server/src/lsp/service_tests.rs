use super::*;
use serde_json::json;
use std::convert::Infallible;
use tower_lsp_server::jsonrpc::{ErrorCode, Id};

/// A service whose handler panics on `boom` and echoes otherwise.
struct Handlers;

impl Service<Request> for Handlers {
    type Response = Option<Response>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Option<Response>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let id = req.id().cloned();
        let method = req.method().to_string();
        async move {
            if method == "boom" {
                panic!("handler bug");
            }
            let result = if method == "textDocument/codeAction" {
                json!([{"title": "t", "data": {"bucketguardEdit": {"changes": {}}}}, {"title": "u"}])
            } else {
                json!(method)
            };
            Ok(id.map(|id| Response::from_ok(id, result)))
        }
        .boxed()
    }
}

fn call(guard: &mut Guard<Handlers>, method: &'static str) -> Option<Response> {
    let req = Request::build(method).id(1).finish();
    futures::executor::block_on(guard.call(req)).unwrap()
}

#[test]
fn a_panicking_handler_answers_with_an_error_and_the_service_goes_on() {
    let mut guard = Guard::new(Handlers, Arc::default());
    let resp = call(&mut guard, "boom").unwrap();
    assert_eq!(resp.id(), &Id::Number(1));
    assert_eq!(resp.error().unwrap().code, ErrorCode::InternalError);
    let resp = call(&mut guard, "fine").unwrap();
    assert_eq!(resp.result(), Some(&json!("fine")));
}

#[test]
fn code_action_edits_are_swapped_in() {
    let mut guard = Guard::new(Handlers, Arc::default());
    let resp = call(&mut guard, "textDocument/codeAction").unwrap();
    assert_eq!(
        resp.result(),
        Some(&json!([{"title": "t", "edit": {"changes": {}}}, {"title": "u"}]))
    );
}

#[test]
fn snippet_edit_support_is_read_from_the_raw_initialize_request() {
    let extras = Arc::new(ClientExtras::default());
    let mut guard = Guard::new(Handlers, extras.clone());
    let req = Request::build("initialize")
        .id(1)
        .params(
            json!({"capabilities": {"workspace": {"workspaceEdit": {"snippetEditSupport": true}}}}),
        )
        .finish();
    futures::executor::block_on(guard.call(req)).unwrap();
    assert!(extras.snippet_edit_support.load(Ordering::Relaxed));
}

#[test]
fn exit_is_signalled() {
    let mut guard = Guard::new(Handlers, Arc::default());
    let exited = guard.exited();
    assert!(exited.notified().now_or_never().is_none());
    futures::executor::block_on(guard.call(Request::build("exit").finish())).unwrap();
    // The permit is stored: the transport may start waiting later.
    assert!(exited.notified().now_or_never().is_some());
}
