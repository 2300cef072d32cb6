//! Requests answered in front of tower-lsp, with their response serialised straight to a frame.
//!
//! tower-lsp turns every result into a `serde_json::Value` before writing it. For a completion
//! list (up to 100 IDs with their titles, asked for on every keystroke inside `Linked IDs`)
//! building, writing and dropping that tree took longer than computing the list: 0.35 ms
//! against 0.08 ms for serialising the list itself. [`FastPath`] wraps the `LspService`,
//! answers `textDocument/completion` itself once the session is initialized, and hands every
//! other message (and a completion it cannot take: before `initialize`, after `shutdown`,
//! malformed params) to tower-lsp unchanged.
//!
//! Order is kept: tower-lsp calls the service for each message in arrival order and polls the
//! returned futures first in that order too, and the completion is computed when its future is
//! first polled — after the `didChange` notifications that came before it have been applied.
//! The response goes out through the same channel as our `publishDiagnostics` frames.
//! Completion takes well under a millisecond and is not cancellable (`$/cancelRequest` is for
//! workspace-wide requests, which stay with tower-lsp).
//!
//! [`CatchPanic`] wraps the whole service: a panic while a request or notification is handled
//! (in `call` or in the future it returns) never reaches tower-lsp's loop, which would end the
//! process. A request gets an InternalError (-32603) response "internal error, please report",
//! a notification a log line, and the session goes on.
//!
//! Test hook: `DEP_LS_TEST_PANIC_ON`, read once at startup, a comma-separated list of points
//! that panic on purpose (the server has no input that panics once parsing and checking are
//! panic-safe, and the tests must still prove the catching): an LSP method name (its handler
//! panics when it runs; `textDocument/hover` panics inside tower-lsp's own handling, in the
//! handler), `index:NAME` (reading a file whose path ends with NAME panics while a folder is
//! indexed). Unset, it costs one check of an empty list per message.

use super::State;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::ls_types::CompletionParams;
use tower_service::Service;

/// The `LspService` with completion answered directly (see the module docs).
pub struct FastPath<S> {
    inner: S,
    state: Arc<State>,
}

impl<S> FastPath<S> {
    pub fn new(inner: S, state: Arc<State>) -> Self {
        FastPath { inner, state }
    }
}

type Reply<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

impl<S> Service<Request> for FastPath<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Reply<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if req.method() != "textDocument/hover" && test_panic(req.method()) {
            let method = req.method().to_string();
            return Box::pin(async move { panic!("DEP_LS_TEST_PANIC_ON: {method}") });
        }
        if req.method() == "textDocument/completion" {
            if let Some(out) = self.state.fast_replies() {
                let params = req
                    .params()
                    .and_then(|p| serde::Deserialize::deserialize(p).ok());
                if let (Some(id), Some(params)) = (req.id().cloned(), params) {
                    let state = Arc::clone(&self.state);
                    return Box::pin(async move {
                        let params: CompletionParams = params;
                        let result = state.completion(params);
                        if let Some(frame) =
                            super::transport::response_frame(&id, &result, 32 << 10)
                        {
                            let _ = out.send(frame).await;
                        }
                        Ok(None)
                    });
                }
            }
        }
        Box::pin(self.inner.call(req))
    }
}

pub(crate) use crate::guard::test_panic;

/// A service whose panics become error responses (see the module docs).
pub struct CatchPanic<S> {
    inner: S,
    /// Requests that panicked inside tower-lsp, whose pending-request table still holds their
    /// id (it removes an id when the handler's future completes, which a panic skips): a later
    /// request reusing the id would be refused as a duplicate. Cancelled before the next call.
    forget: Arc<std::sync::Mutex<Vec<Id>>>,
}

impl<S> CatchPanic<S> {
    pub fn new(inner: S) -> Self {
        CatchPanic {
            inner,
            forget: Arc::default(),
        }
    }
}

impl<S> CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
{
    /// Makes tower-lsp forget the requests that panicked: a `$/cancelRequest` for each, run
    /// now (its handler completes on the first poll).
    fn forget_panicked(&mut self) {
        let ids = std::mem::take(&mut *self.forget.lock().unwrap_or_else(|p| p.into_inner()));
        for id in ids {
            let cancel = Request::build("$/cancelRequest")
                .params(serde_json::json!({ "id": id }))
                .finish();
            let inner = &mut self.inner;
            let _ = catch_unwind(AssertUnwindSafe(move || {
                let mut fut = Box::pin(inner.call(cancel));
                let _ = fut
                    .as_mut()
                    .poll(&mut Context::from_waker(std::task::Waker::noop()));
            }));
        }
    }
}
pub(crate) use crate::guard::INTERNAL_ERROR;

/// What is left of a message whose handler panicked: its response, if it was a request.
/// The panic's message is logged at debug level only: it can quote document text (a slicing
/// panic shows the string), and default-level logs never do.
fn panicked(
    id: Option<Id>,
    method: &str,
    payload: &(dyn std::any::Any + Send),
) -> Option<Response> {
    tracing::error!("{INTERNAL_ERROR}: a panic while handling {method}; the session goes on");
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::debug!("the panic in {method}: {what}");
    id.map(|id| {
        Response::from_error(
            id,
            Error {
                code: ErrorCode::InternalError,
                message: INTERNAL_ERROR.into(),
                data: None,
            },
        )
    })
}

/// Polls a future, turning a panic into `Err` (like `futures::FutureExt::catch_unwind`).
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::thread::Result<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = self.0.as_mut();
        // The future is not polled again after a panic: its state does not matter.
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Reply<S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if !self
            .forget
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
        {
            self.forget_panicked();
        }
        let id = req.id().cloned();
        let method = req.method().to_string();
        let inner = &mut self.inner;
        let forget = Arc::clone(&self.forget);
        match catch_unwind(AssertUnwindSafe(move || inner.call(req))) {
            Ok(fut) => Box::pin(async move {
                match CatchUnwind(Box::pin(fut)).await {
                    Ok(r) => r,
                    Err(payload) => {
                        if let Some(id) = &id {
                            forget
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(id.clone());
                        }
                        Ok(panicked(id, &method, &*payload))
                    }
                }
            }),
            Err(payload) => {
                let r = panicked(id, &method, &*payload);
                Box::pin(std::future::ready(Ok(r)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A service that panics in `call` for "sync", in its future for "async", and answers
    /// "ok" with `null`.
    struct Panicky;

    impl Service<Request> for Panicky {
        type Response = Option<Response>;
        type Error = std::convert::Infallible;
        type Future = Reply<Self::Error>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, req: Request) -> Self::Future {
            let id = req.id().cloned();
            match req.method() {
                "sync" => panic!("in call"),
                "async" => Box::pin(async move {
                    tokio::task::yield_now().await;
                    panic!("in the future")
                }),
                _ => Box::pin(async move {
                    Ok(id.map(|id| Response::from_ok(id, serde_json::Value::Null)))
                }),
            }
        }
    }

    /// A panicking request gets InternalError with its id; a panicking notification gets
    /// nothing; the service keeps answering.
    #[tokio::test]
    async fn a_panic_in_a_handler_becomes_an_internal_error() {
        let mut s = CatchPanic::new(Panicky);
        for (n, method) in ["sync", "async"].into_iter().enumerate() {
            let id = Id::Number(n as i64);
            let r = s
                .call(Request::build(method).id(id.clone()).finish())
                .await
                .expect("infallible")
                .expect("a response");
            let (rid, body) = r.into_parts();
            assert_eq!(rid, id);
            let e = body.expect_err("an error");
            assert_eq!(e.code, ErrorCode::InternalError);
            assert_eq!(e.message, INTERNAL_ERROR);
            let r = s
                .call(Request::build(method).finish())
                .await
                .expect("infallible");
            assert!(r.is_none(), "a notification is not answered");
        }
        let r = s
            .call(Request::build("ok").id(7).finish())
            .await
            .expect("infallible")
            .expect("a response");
        assert!(r.is_ok());
    }
}
