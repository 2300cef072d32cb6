//! Panics while a message is handled, and the test hook that causes them.
//!
//! [`CatchPanic`] wraps the whole service: a panic while a request or notification is handled
//! (in `call` or in the future it returns) never reaches tower-lsp's loop, which would end the
//! process. A request gets an InternalError (-32603) response "internal error, please report",
//! a notification a log line, and the session goes on. Tasks of their own (indexing, reloads,
//! diagnostics) are caught by tokio; [`quiet_panics`] makes the panic hook only report them.
//!
//! Test hook: `DEP_LS_TEST_PANIC_ON`, read once at startup, a comma-separated list of points
//! that panic on purpose (the server has no input that panics once parsing and checking are
//! panic-safe, and the tests must still prove the catching): an LSP method name (its handler
//! panics when it runs: [`CatchPanic`] makes it panic in the future it returns, except
//! `textDocument/hover`, which panics inside tower-lsp's own handling, in the handler),
//! `index:NAME` (reading a file whose path ends with NAME panics while a folder is indexed).
//! Unset, it costs one check of an empty list per message.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_service::Service;

type Reply<E> = Pin<Box<dyn Future<Output = Result<Option<Response>, E>> + Send>>;

/// Panics are caught (handlers: [`CatchPanic`]; tasks: tokio), so the panic hook only
/// reports them: where, at error level; the message at debug level only, because it can quote
/// document text (a slicing panic shows the string) and default-level logs never do.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!("{}: a panic at {at}", INTERNAL_ERROR);
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        tracing::debug!("the panic at {at}: {what}");
    }));
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
        let call = move || -> Reply<S::Error> {
            if req.method() != "textDocument/hover" && test_panic(req.method()) {
                // The test hook (see the module docs): this message's handling panics.
                let method = req.method().to_string();
                return Box::pin(async move { panic!("DEP_LS_TEST_PANIC_ON: {method}") });
            }
            Box::pin(inner.call(req))
        };
        match catch_unwind(AssertUnwindSafe(call)) {
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
