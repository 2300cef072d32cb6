//! The stdio transport in front of tower-lsp-server: it frames messages itself so that a
//! malformed message gets a JSON-RPC error and the session goes on (tower-lsp's own reader
//! stops at the first undecodable message), and so that both the server's output and our own
//! error replies reach stdout as whole frames.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Largest message accepted (bytes); larger bodies are skipped with an error reply.
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// Longest header line accepted (bytes); longer lines are skipped with an error reply.
pub const MAX_HEADER_LINE: usize = 8 * 1024;

/// One header block and body read from a stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A complete body.
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length` (skipped).
    BadHeader(String),
    /// A `Content-Length` over [`MAX_MESSAGE`] (the body was skipped).
    TooLarge(usize),
}

/// The header that starts a frame, lower case (headers are matched without regard to case).
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// Where `content-length:` starts in `bytes` (any case), from `from` on.
fn find_content_length(bytes: &[u8], from: usize) -> Option<usize> {
    let n = CONTENT_LENGTH.len();
    let rest = bytes.get(from..)?;
    memchr::memchr2_iter(b'c', b'C', rest)
        .find(|&i| {
            rest.get(i..i + n)
                .is_some_and(|w| w.eq_ignore_ascii_case(CONTENT_LENGTH))
        })
        .map(|i| from + i)
}

/// Skips the rest of a header line longer than [`MAX_HEADER_LINE`] (`head` is what was read of
/// it). When a `Content-Length:` header starts inside it (the rest of a body cut by a too-short
/// Content-Length, followed by the next message's header), returns that header line: the
/// stream resynchronises there. `Some(None)`: the line ended without one; `None`: end of stream.
/// `scan`: look for a header at all (not after a Content-Length of the same block).
async fn skip_long_line<R: AsyncRead + Unpin>(
    r: &mut BufReader<R>,
    head: Vec<u8>,
    scan: bool,
) -> Option<Option<Vec<u8>>> {
    let keep = CONTENT_LENGTH.len() - 1;
    let mut window = head;
    loop {
        if let Some(i) = find_content_length(&window, 0).filter(|_| scan) {
            let mut line = window.split_off(i);
            if !line.ends_with(b"\n") {
                // The header line goes on past this window: read up to its end (bounded).
                let room = MAX_HEADER_LINE.saturating_sub(line.len()) as u64;
                (&mut *r)
                    .take(room.max(64))
                    .read_until(b'\n', &mut line)
                    .await
                    .ok()?;
            }
            return Some(Some(line));
        }
        if window.ends_with(b"\n") {
            return Some(None);
        }
        // Keep the tail: a header may straddle two reads.
        let tail = window.split_off(window.len().saturating_sub(keep));
        window = tail;
        let buf = r.fill_buf().await.ok()?;
        if buf.is_empty() {
            return None;
        }
        let upto = memchr::memchr(b'\n', buf).map_or(buf.len(), |i| i + 1);
        window.extend_from_slice(&buf[..upto]);
        r.consume(upto);
    }
}

/// Reads the next frame; `None` at the end of the stream (also when it ends mid-message).
///
/// Resynchronisation: after a Content-Length shorter than its body, the rest of the body runs
/// into the next message's header (`…"}Content-Length: 52`). A header line that is not a
/// header but holds `Content-Length:` is read from there, and the junk before it is ignored
/// like any other unknown header line: the next message is served (the cut body itself got
/// its parse error).
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> Option<Frame> {
    let mut len: Option<usize> = None;
    let mut bad: Option<String> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        // Bounded: a stream of bytes without a line break must not grow this buffer forever.
        let n = (&mut *r)
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)
            .await
            .ok()?;
        if n == 0 {
            return None;
        }
        if line.len() >= MAX_HEADER_LINE && !line.ends_with(b"\n") {
            saw_header = true;
            match skip_long_line(r, line, len.is_none()).await? {
                Some(header) => line = header,
                None => {
                    bad = Some("header line too long".into());
                    continue;
                }
            }
        }
        let t = trim_line(&line);
        if t.is_empty() {
            if !saw_header {
                continue; // stray blank line between messages
            }
            break;
        }
        saw_header = true;
        match header(t) {
            Header::Length(n) => len = Some(n),
            Header::Other => {}
            Header::BadLength(why) => bad = Some(why),
            Header::Malformed => {
                // Junk before a header on the same line: resynchronise on the header (only
                // before a Content-Length of this block: `X-Original-Content-Length: 5` after
                // one is just an unknown header).
                let resync = len.is_none().then(|| find_content_length(t, 1)).flatten();
                match resync.map(|i| header(&t[i..])) {
                    Some(Header::Length(n)) => len = Some(n),
                    Some(Header::BadLength(why)) => bad = Some(why),
                    _ => {
                        // Never echo the line itself: after a wrong Content-Length, the rest of
                        // a body (document text) is read as header lines, and this is logged.
                        bad.get_or_insert_with(|| {
                            format!("malformed header line ({} bytes)", t.len())
                        });
                    }
                }
            }
        }
    }
    match (len, bad) {
        (Some(n), _) if n > MAX_MESSAGE => {
            let mut left = n as u64;
            let mut sink = tokio::io::sink();
            let copied = tokio::io::copy(&mut r.take(left), &mut sink).await.ok()?;
            left -= copied;
            if left > 0 {
                return None;
            }
            Some(Frame::TooLarge(n))
        }
        (Some(n), _) => {
            let mut body = vec![0; n];
            r.read_exact(&mut body).await.ok()?;
            Some(Frame::Body(body))
        }
        (None, bad) => Some(Frame::BadHeader(
            bad.unwrap_or_else(|| "missing Content-Length header".into()),
        )),
    }
}

/// A header line without its line break.
fn trim_line(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &line[..end]
}

enum Header {
    Length(usize),
    BadLength(String),
    /// `Content-Type` (or another well-formed header dep-ls does not use).
    Other,
    Malformed,
}

fn header(t: &[u8]) -> Header {
    let Some(colon) = memchr::memchr(b':', t) else {
        return Header::Malformed;
    };
    let key = t[..colon].trim_ascii();
    let value = t[colon + 1..].trim_ascii();
    if key.eq_ignore_ascii_case(b"content-length") {
        match std::str::from_utf8(value)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
        {
            Some(n) => Header::Length(n),
            None => Header::BadLength(format!(
                "invalid Content-Length (a value of {} bytes, not a number)",
                value.len()
            )),
        }
    } else if key.eq_ignore_ascii_case(b"content-type") {
        Header::Other
    } else {
        Header::Malformed
    }
}

fn frame_bytes(body: &[u8]) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut out = Vec::with_capacity(header.len() + body.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
    out
}

/// A whole notification frame, serialised straight from `params`. tower-lsp's client turns
/// params into a `serde_json::Value` first; for a big document's diagnostics (hundreds of
/// them, sent on every keystroke) building and dropping that tree cost more than computing
/// them.
/// `size_hint` presizes the buffer (growing it by doubling copies it and touches fresh pages).
pub fn notification_frame<P: serde::Serialize>(
    method: &str,
    params: &P,
    size_hint: usize,
) -> Option<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    message_frame(
        &Notification {
            jsonrpc: "2.0",
            method,
            params,
        },
        size_hint,
    )
}

/// A whole response frame (`{"jsonrpc":"2.0","result":…,"id":…}`), serialised straight from
/// `result`, for the same reason as [`notification_frame`].
pub fn response_frame<I: serde::Serialize, R: serde::Serialize>(
    id: &I,
    result: &R,
    size_hint: usize,
) -> Option<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct Response<'a, I, R> {
        jsonrpc: &'static str,
        result: &'a R,
        id: &'a I,
    }
    message_frame(
        &Response {
            jsonrpc: "2.0",
            result,
            id,
        },
        size_hint,
    )
}

/// A message serialised into a buffer presized to `size_hint`, framed.
fn message_frame<M: serde::Serialize>(message: &M, size_hint: usize) -> Option<Vec<u8>> {
    let mut body = Vec::with_capacity(size_hint);
    serde_json::to_writer(&mut body, message).ok()?;
    Some(frame_bytes(&body))
}

fn error_frame(code: i64, message: &str, id: &Value) -> Vec<u8> {
    let v = serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    frame_bytes(v.to_string().as_bytes())
}

/// What the transport does with a complete body.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Passed on to tower-lsp, which can decode it. `exit`: the `exit` notification.
    Pass { exit: bool },
    /// Answered here with a JSON-RPC error, with this `id` (null, or the id of the request).
    Reply {
        code: i64,
        message: String,
        id: Value,
    },
    /// Dropped with a log line: a client response that tower-lsp could not decode. It cannot
    /// answer one of the server's requests (those have integer ids), and a response is never
    /// answered.
    Drop(String),
}

/// The top-level members of a message that decide its fate. Every value is parsed in full
/// (as `serde_json::Value`), exactly as tower-lsp will parse it again: a number out of range
/// or a lone surrogate anywhere must be refused here, because tower-lsp's reader stops the
/// session at the first body it cannot decode.
#[derive(Default)]
struct Envelope {
    object: bool,
    jsonrpc: Option<Value>,
    method: Option<Value>,
    id: Option<Value>,
    result: bool,
    error: Option<ErrorShape>,
    /// A member given twice (tower-lsp refuses that; `Value` would keep the last one).
    duplicate: Option<&'static str>,
}

/// Whether an `error` member is the object tower-lsp's `jsonrpc::Error` accepts: `code` an
/// i64, `message` a string, optional `data`, nothing else, nothing twice.
#[derive(Debug, PartialEq)]
struct ErrorShape(bool);

impl<'de> serde::Deserialize<'de> for ErrorShape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ErrorShape;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON-RPC error object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<ErrorShape, A::Error> {
                let (mut code, mut message, mut data, mut ok) = (false, false, false, true);
                while let Some(k) = m.next_key::<Key>()? {
                    let v: Value = m.next_value()?;
                    let seen = match k {
                        Key::Code => std::mem::replace(&mut code, v.is_i64()) || !v.is_i64(),
                        Key::Message => {
                            std::mem::replace(&mut message, v.is_string()) || !v.is_string()
                        }
                        Key::Data => std::mem::replace(&mut data, true),
                        _ => true,
                    };
                    if seen {
                        ok = false;
                    }
                }
                Ok(ErrorShape(ok && code && message))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> Result<ErrorShape, A::Error> {
                while s.next_element::<Value>()?.is_some() {}
                Ok(ErrorShape(false))
            }
            fn visit_bool<E>(self, _: bool) -> Result<ErrorShape, E> {
                Ok(ErrorShape(false))
            }
            fn visit_i64<E>(self, _: i64) -> Result<ErrorShape, E> {
                Ok(ErrorShape(false))
            }
            fn visit_u64<E>(self, _: u64) -> Result<ErrorShape, E> {
                Ok(ErrorShape(false))
            }
            fn visit_f64<E>(self, _: f64) -> Result<ErrorShape, E> {
                Ok(ErrorShape(false))
            }
            fn visit_str<E>(self, _: &str) -> Result<ErrorShape, E> {
                Ok(ErrorShape(false))
            }
            fn visit_unit<E>(self) -> Result<ErrorShape, E> {
                Ok(ErrorShape(false))
            }
        }
        d.deserialize_any(V)
    }
}

/// A member name of a message or an error object (no allocation for the ones that matter).
enum Key {
    Jsonrpc,
    Method,
    Id,
    Params,
    Result,
    Error,
    Code,
    Message,
    Data,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "jsonrpc" => Key::Jsonrpc,
                    "method" => Key::Method,
                    "id" => Key::Id,
                    "params" => Key::Params,
                    "result" => Key::Result,
                    "error" => Key::Error,
                    "code" => Key::Code,
                    "message" => Key::Message,
                    "data" => Key::Data,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> serde::Deserialize<'de> for Envelope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn put<T>(slot: &mut Option<T>, v: T, dup: &mut Option<&'static str>, name: &'static str) {
            if slot.replace(v).is_some() {
                dup.get_or_insert(name);
            }
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Envelope;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON-RPC message")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<Envelope, A::Error> {
                let mut e = Envelope {
                    object: true,
                    ..Envelope::default()
                };
                let mut params = None;
                let mut result = None;
                let dup = &mut e.duplicate;
                while let Some(k) = m.next_key::<Key>()? {
                    match k {
                        Key::Jsonrpc => put(&mut e.jsonrpc, m.next_value()?, dup, "jsonrpc"),
                        Key::Method => put(&mut e.method, m.next_value()?, dup, "method"),
                        Key::Id => put(&mut e.id, m.next_value()?, dup, "id"),
                        Key::Params => put::<Value>(&mut params, m.next_value()?, dup, "params"),
                        Key::Result => put::<Value>(&mut result, m.next_value()?, dup, "result"),
                        Key::Error => put(&mut e.error, m.next_value()?, dup, "error"),
                        _ => {
                            m.next_value::<Value>()?;
                        }
                    }
                }
                e.result = result.is_some();
                Ok(e)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> Result<Envelope, A::Error> {
                while s.next_element::<Value>()?.is_some() {}
                Ok(Envelope::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
            fn visit_unit<E>(self) -> Result<Envelope, E> {
                Ok(Envelope::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// An id tower-lsp can take: a string, an integer that fits an i64, or null.
fn lsp_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_null()
}

/// Decides what to do with a body, parsing it once.
///
/// Ids: JSON-RPC 2.0 allows a string, a number or null; LSP narrows that to an integer or a
/// string, and tower-lsp takes an i64, a string or null. A request whose id is a number that
/// is not an i64 (`1.0`, `1.5`, `2^64-1`) carries a valid JSON-RPC id, so the error reply
/// echoes it (JSON-RPC: a response's id "MUST be the same as the value of the id member in the
/// Request Object"). An id that is not a string, number or null (`true`, `[1]`, `{}`) makes the
/// request invalid without a usable id: the reply's id is null ("If there was an error in
/// detecting the id in the Request Object (e.g. Parse error/Invalid Request), it MUST be Null").
pub fn check_message(body: &[u8]) -> Verdict {
    let reply = |code: i64, message: &str, id: Value| Verdict::Reply {
        code,
        message: message.to_string(),
        id,
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return reply(
            -32700,
            "Parse error: the message is not valid UTF-8",
            Value::Null,
        );
    };
    let e: Envelope = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(err) if err.is_data() => {
            return reply(-32600, &format!("Invalid Request: {err}"), Value::Null)
        }
        Err(err) => return reply(-32700, &format!("Parse error: {err}"), Value::Null),
    };
    if !e.object {
        return reply(
            -32600,
            "Invalid Request: a message must be a JSON object",
            Value::Null,
        );
    }
    // The id to answer with, when the message is otherwise a request that can be answered.
    let echo = || match &e.id {
        Some(id) if lsp_id(id) || id.is_number() => id.clone(),
        _ => Value::Null,
    };
    if let Some(name) = e.duplicate {
        return reply(
            -32600,
            &format!("Invalid Request: the member `{name}` is given twice"),
            Value::Null,
        );
    }
    if e.jsonrpc.as_ref().and_then(Value::as_str) != Some("2.0") {
        return reply(
            -32600,
            "Invalid Request: `jsonrpc` must be \"2.0\"",
            if e.method.is_some() {
                echo()
            } else {
                Value::Null
            },
        );
    }
    let method = match &e.method {
        None => None,
        Some(Value::String(m)) => Some(m.as_str()),
        Some(_) => return reply(-32600, "Invalid Request: `method` must be a string", echo()),
    };
    match (method, &e.id) {
        // tower-lsp cannot decode such an id (its reader ended the session on one).
        (Some(_), Some(id)) if !lsp_id(id) => reply(
            -32600,
            "Invalid Request: a request id must be an integer or a string",
            echo(),
        ),
        // tower-lsp would take it for a response and never answer it.
        (Some(_), Some(_)) if e.result || e.error.is_some() => reply(
            -32600,
            "Invalid Request: a request carries no `result` or `error`",
            echo(),
        ),
        // LSP: "$/" requests the server does not know get MethodNotFound (tower-lsp drops
        // every "$/" message without an answer).
        (Some(m), Some(id)) if m.starts_with("$/") => Verdict::Reply {
            code: -32601,
            message: format!("Method not found: {m}"),
            id: id.clone(),
        },
        (Some(m), _) => Verdict::Pass { exit: m == "exit" },
        (None, _) if e.result || e.error.is_some() => match &e.id {
            None => Verdict::Drop("a response without an id".into()),
            Some(id) if !lsp_id(id) => Verdict::Drop(format!(
                "a response whose id is not an integer or a string ({})",
                kind_of(id)
            )),
            Some(_) if !e.result && e.error != Some(ErrorShape(true)) => Verdict::Drop(
                "a response whose `error` is not an object with an integer `code` and a string `message`"
                    .into(),
            ),
            Some(_) => Verdict::Pass { exit: false },
        },
        (None, Some(_)) => reply(
            -32600,
            "Invalid Request: a message with an id needs a `method` or a `result`",
            echo(),
        ),
        (None, None) => reply(
            -32600,
            "Invalid Request: neither a method nor a response id",
            Value::Null,
        ),
    }
}

/// A JSON type's name, for log lines (never the value: it could be document text).
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number out of range or with a fraction",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks a body: `Ok` when it is passed on to tower-lsp, the error reply's code and message
/// otherwise (a dropped response counts as `Ok`: nothing is replied). See [`check_message`].
pub fn check_body(body: &[u8]) -> Result<(), (i64, String)> {
    match check_message(body) {
        Verdict::Pass { .. } | Verdict::Drop(_) => Ok(()),
        Verdict::Reply { code, message, .. } => Err((code, message)),
    }
}

/// Is this body the `exit` notification?
pub fn is_exit(body: &[u8]) -> bool {
    check_message(body) == Verdict::Pass { exit: true }
}

/// Copies frames from `input` to `to_server`, replying to malformed ones through `replies`.
/// `exit_seen` is notified once the `exit` notification has been passed on.
pub async fn pump_input<R, W>(
    input: R,
    mut to_server: W,
    replies: mpsc::Sender<Vec<u8>>,
    exit_seen: std::sync::Arc<tokio::sync::Notify>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut r = BufReader::new(input);
    while let Some(frame) = read_frame(&mut r).await {
        match frame {
            Frame::Body(body) => match check_message(&body) {
                Verdict::Pass { exit } => {
                    if to_server.write_all(&frame_bytes(&body)).await.is_err() {
                        break;
                    }
                    let _ = to_server.flush().await;
                    if exit {
                        exit_seen.notify_one();
                    }
                }
                Verdict::Reply { code, message, id } => {
                    if code == -32601 {
                        tracing::info!("{message}");
                    } else {
                        tracing::warn!("malformed message: {message}");
                    }
                    let _ = replies.send(error_frame(code, &message, &id)).await;
                }
                Verdict::Drop(why) => tracing::warn!("dropped {why}"),
            },
            Frame::BadHeader(why) => {
                tracing::warn!("malformed header: {why}");
                let _ = replies
                    .send(error_frame(
                        -32700,
                        &format!("Parse error: {why}"),
                        &Value::Null,
                    ))
                    .await;
            }
            Frame::TooLarge(n) => {
                let _ = replies
                    .send(error_frame(
                        -32600,
                        &format!("Invalid Request: message of {n} bytes is over the limit"),
                        &Value::Null,
                    ))
                    .await;
            }
        }
    }
    let _ = to_server.shutdown().await;
}

/// Copies whole frames from the server's output to `out`, together with our replies.
pub async fn pump_output<R, W>(server_out: R, mut replies: mpsc::Receiver<Vec<u8>>, mut out: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut r = BufReader::new(server_out);
    let mut server_open = true;
    loop {
        tokio::select! {
            f = read_frame(&mut r), if server_open => match f {
                Some(Frame::Body(body)) => {
                    if out.write_all(&frame_bytes(&body)).await.is_err() { return; }
                    let _ = out.flush().await;
                }
                Some(_) => {}
                None => server_open = false,
            },
            m = replies.recv() => match m {
                Some(bytes) => {
                    if out.write_all(&bytes).await.is_err() { return; }
                    let _ = out.flush().await;
                }
                None if !server_open => return,
                None => {
                    // Input side finished; drain the server's remaining output.
                    while let Some(f) = read_frame(&mut r).await {
                        if let Frame::Body(body) = f {
                            if out.write_all(&frame_bytes(&body)).await.is_err() { return; }
                            let _ = out.flush().await;
                        }
                    }
                    return;
                }
            },
            else => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn frames_and_errors() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 5\r\n\r\n{bad}X-Junk\r\n\r\nContent-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec();
        let mut r = BufReader::new(&input[..]);
        assert_eq!(read_frame(&mut r).await, Some(Frame::Body(b"{}".to_vec())));
        assert_eq!(
            read_frame(&mut r).await,
            Some(Frame::Body(b"{bad}".to_vec()))
        );
        assert!(matches!(
            read_frame(&mut r).await,
            Some(Frame::BadHeader(_))
        ));
        assert!(matches!(read_frame(&mut r).await, Some(Frame::Body(_))));
        assert_eq!(read_frame(&mut r).await, None);
        assert!(check_body(b"{}").is_err());
        assert_eq!(check_body(b"{bad}").unwrap_err().0, -32700);
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#).is_ok());
    }

    /// Regression (reliability): a header "line" without a line break is not buffered whole,
    /// and the frame after it is read.
    #[tokio::test]
    async fn an_endless_header_line_is_skipped_in_bounded_memory() {
        let mut input = vec![b'a'; 3 * MAX_HEADER_LINE + 17];
        input.extend_from_slice(b"\r\n\r\nContent-Length: 2\r\n\r\n{}");
        let mut r = BufReader::new(&input[..]);
        assert_eq!(
            read_frame(&mut r).await,
            Some(Frame::BadHeader("header line too long".into()))
        );
        assert_eq!(read_frame(&mut r).await, Some(Frame::Body(b"{}".to_vec())));
        let endless = vec![b'a'; 2 * MAX_HEADER_LINE];
        assert_eq!(read_frame(&mut BufReader::new(&endless[..])).await, None);
    }

    /// Regression (reliability): after a Content-Length shorter than the body, the rest of the
    /// body (document text) is read as header lines; the error must not quote it (it is logged).
    #[tokio::test]
    async fn header_errors_do_not_quote_the_input() {
        let input = b"Content-Length: 2\r\n\r\n{}\"text\":\"DEP-001: secret sk_live_x\"}\r\n\r\nContent-Length: 1secret\r\n\r\n";
        let mut r = BufReader::new(&input[..]);
        assert!(matches!(read_frame(&mut r).await, Some(Frame::Body(_))));
        for _ in 0..2 {
            match read_frame(&mut r).await {
                Some(Frame::BadHeader(m)) => assert!(!m.contains("secret"), "{m}"),
                other => panic!("{other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn a_notification_frame_reads_back_as_the_same_message() {
        let params = serde_json::json!({"uri": "file:///a.md", "diagnostics": [], "version": 3});
        let frame = notification_frame("textDocument/publishDiagnostics", &params, 0).unwrap();
        let mut r = BufReader::new(&frame[..]);
        let Some(Frame::Body(body)) = read_frame(&mut r).await else {
            panic!("not one frame")
        };
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})
        );
        assert_eq!(read_frame(&mut r).await, None);
    }

    /// What tower-lsp's reader does with a body: it decodes a `Message`, an untagged enum
    /// of `Response` then `Request`; a body it cannot decode ends its stream (the session).
    fn tower_lsp_decodes(body: &[u8]) -> bool {
        use tower_lsp_server::jsonrpc::{Request, Response};
        let Ok(text) = std::str::from_utf8(body) else {
            return false;
        };
        serde_json::from_str::<Response>(text).is_ok()
            || serde_json::from_str::<Request>(text).is_ok()
    }

    /// Regression (issue 13, defect 3, "one request id ends the session"): every id shape is
    /// answered here or passed on as something tower-lsp can decode.
    #[test]
    fn one_request_id_ends_the_session_every_id_shape_is_answered() {
        let req = |id: &str| {
            format!(
                r#"{{"jsonrpc":"2.0","id":{id},"method":"workspace/symbol","params":{{"query":""}}}}"#
            )
        };
        // Valid JSON-RPC ids that LSP/tower-lsp cannot take: echoed in the error.
        for (id, echoed) in [
            ("1.0", serde_json::json!(1.0)),
            ("1.5", serde_json::json!(1.5)),
            (
                "18446744073709551615",
                serde_json::json!(18446744073709551615u64),
            ),
            (
                "9223372036854775808",
                serde_json::json!(9223372036854775808u64),
            ),
            ("1e3", serde_json::json!(1000.0)),
            ("-0", serde_json::json!(-0.0)),
        ] {
            let v = check_message(req(id).as_bytes());
            assert_eq!(
                v,
                Verdict::Reply {
                    code: -32600,
                    message: "Invalid Request: a request id must be an integer or a string".into(),
                    id: echoed
                },
                "{id}"
            );
            assert!(!tower_lsp_decodes(req(id).as_bytes()), "{id}");
        }
        // Not a JSON-RPC id at all: null.
        for id in ["true", "false", "[1]", "{}", r#"{"a":1}"#] {
            match check_message(req(id).as_bytes()) {
                Verdict::Reply {
                    code: -32600,
                    id: Value::Null,
                    ..
                } => {}
                other => panic!("{id}: {other:?}"),
            }
        }
        // Ids tower-lsp takes are passed on.
        for id in [
            "1",
            "-1",
            "0",
            "9223372036854775807",
            "-9223372036854775808",
            "\"x\"",
            "null",
        ] {
            assert_eq!(
                check_message(req(id).as_bytes()),
                Verdict::Pass { exit: false },
                "{id}"
            );
            assert!(tower_lsp_decodes(req(id).as_bytes()), "{id}");
        }
        // Client responses tower-lsp cannot decode: dropped.
        for body in [
            r#"{"jsonrpc":"2.0","id":1.5,"result":null}"#,
            r#"{"jsonrpc":"2.0","id":true,"result":1}"#,
            r#"{"jsonrpc":"2.0","id":[1],"error":{"code":1,"message":"x"}}"#,
            r#"{"jsonrpc":"2.0","result":1}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1.5,"message":"x"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x","extra":2}}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x","message":"y"}}"#,
            r#"{"jsonrpc":"2.0","id":1,"error":"boom"}"#,
        ] {
            assert!(
                matches!(check_message(body.as_bytes()), Verdict::Drop(_)),
                "{body}"
            );
        }
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"result":null}"#,
            r#"{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"x","data":[1]}}"#,
            r#"{"jsonrpc":"2.0","id":1,"result":{"deep":[1e300,"\u00e9"]},"error":5}"#,
        ] {
            assert_eq!(
                check_message(body.as_bytes()),
                Verdict::Pass { exit: false },
                "{body}"
            );
            assert!(tower_lsp_decodes(body.as_bytes()), "{body}");
        }
    }

    /// Every body passed on is one tower-lsp decodes; every other one is answered or dropped.
    #[test]
    fn whatever_is_passed_on_tower_lsp_can_decode() {
        let bodies = [
            r#"{"jsonrpc":"2.0","method":"x","params":1e400}"#,
            r#"{"jsonrpc":"2.0","method":"x","other":1e400}"#,
            r#"{"jsonrpc":"2.0","method":"x","params":"\ud800"}"#,
            r#"{"jsonrpc":"2.0","method":"x","method":"y"}"#,
            r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"y"}"#,
            r#"{"jsonrpc":"2.0","method":"x","params":{"a":1,"a":2}}"#,
            r#"{"jsonrpc":"2.0","method":"x","unknown":1,"unknown":2}"#,
            r#"{"jsonrpc":"2.0","id":3,"method":"x","result":1}"#,
            r#"{"jsonrpc":"2.0","id":3}"#,
            r#"{"jsonrpc":"2.0","method":"exit"}"#,
            r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#,
            r#"{"jsonrpc":"2.0","id":4,"method":"$/unknown"}"#,
            r#"{"jsonrpc":2.0,"method":"x"}"#,
            r#"[1,2"#,
            r#"[{"jsonrpc":"2.0","method":"x"}]"#,
            "",
            " ",
            "{} x",
        ];
        for b in bodies {
            match check_message(b.as_bytes()) {
                Verdict::Pass { .. } => assert!(tower_lsp_decodes(b.as_bytes()), "passed on: {b}"),
                Verdict::Reply { code, .. } => {
                    assert!([-32700, -32600, -32601].contains(&code), "{b}")
                }
                Verdict::Drop(_) => {}
            }
        }
        assert_eq!(
            check_message(br#"{"jsonrpc":"2.0","method":"exit"}"#),
            Verdict::Pass { exit: true }
        );
        assert_eq!(check_message(b"[1,2").clone_code(), Some(-32700));
        assert_eq!(
            check_message(br#"{"jsonrpc":"2.0","method":"x","method":"y"}"#).clone_code(),
            Some(-32600)
        );
    }

    impl Verdict {
        fn clone_code(&self) -> Option<i64> {
            match self {
                Verdict::Reply { code, .. } => Some(*code),
                _ => None,
            }
        }
    }

    /// Messages built from members tower-lsp is strict about (ids, error objects, duplicated
    /// members, numbers out of range, lone surrogates), in any order and combination: every
    /// body passed on is one tower-lsp decodes, and a request it decodes with an id is passed
    /// on or answered (never dropped).
    #[test]
    fn generated_messages_passed_on_are_decodable() {
        use proptest::prelude::*;
        const KEYS: &[&str] = &[
            "jsonrpc", "method", "id", "params", "result", "error", "other",
        ];
        const VALUES: &[&str] = &[
            r#""2.0""#,
            r#""1.0""#,
            r#""x""#,
            r#""$/x""#,
            r#""exit""#,
            "1",
            "-7",
            "1.5",
            "1.0",
            "1e400",
            "9223372036854775808",
            "18446744073709551615",
            "true",
            "null",
            "[]",
            "[1,{}]",
            "{}",
            r#"{"code":1,"message":"m"}"#,
            r#"{"code":-32601,"message":"m","data":[1e3]}"#,
            r#"{"code":1.0,"message":"m"}"#,
            r#"{"code":1,"message":"m","x":1}"#,
            r#"{"code":1,"code":2,"message":"m"}"#,
            r#"{"message":"m"}"#,
            r#""\ud800""#,
            r#""\u00e9\n""#,
        ];
        let member = (0..KEYS.len(), 0..VALUES.len());
        proptest!(ProptestConfig::with_cases(4000), |(members in proptest::collection::vec(member, 0..6))| {
            let body = format!(
                "{{{}}}",
                members
                    .iter()
                    .map(|&(k, v)| format!("\"{}\":{}", KEYS[k], VALUES[v]))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let verdict = check_message(body.as_bytes());
            if let Verdict::Pass { .. } = verdict {
                prop_assert!(tower_lsp_decodes(body.as_bytes()), "passed on, not decodable: {}", body);
            }
            if let Verdict::Reply { id, .. } = &verdict {
                prop_assert!(id.is_null() || id.is_number() || id.is_string(), "{}", body);
            }
        });
    }

    /// Regression (issue 13, defect 14): a `$/` request with an id gets MethodNotFound with
    /// its id; a `$/` notification is passed on (tower-lsp ignores unknown ones).
    #[test]
    fn a_dollar_request_with_an_id_gets_method_not_found() {
        assert_eq!(
            check_message(br#"{"jsonrpc":"2.0","id":7,"method":"$/unknown","params":{}}"#),
            Verdict::Reply {
                code: -32601,
                message: "Method not found: $/unknown".into(),
                id: serde_json::json!(7)
            }
        );
        assert_eq!(
            check_message(br#"{"jsonrpc":"2.0","method":"$/unknown","params":{}}"#),
            Verdict::Pass { exit: false }
        );
    }

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = BufReader::new(input);
        let mut out = Vec::new();
        while let Some(f) = read_frame(&mut r).await {
            out.push(f);
        }
        out
    }

    fn msg(body: &str) -> Vec<u8> {
        frame_bytes(body.as_bytes())
    }

    /// Regression (issue 13, defect 13, "a too-short Content-Length never resynchronises"):
    /// the cut body gets one parse error, and the messages after it are read.
    #[tokio::test]
    async fn a_too_short_content_length_resynchronises() {
        let first =
            r#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"DEP-001: x"}}"#;
        let next = r#"{"jsonrpc":"2.0","id":2,"method":"workspace/symbol","params":{"query":""}}"#;
        for cut in [1, 10, first.len() / 2, first.len() - 1] {
            let mut input = format!("Content-Length: {cut}\r\n\r\n{first}").into_bytes();
            input.extend(msg(next));
            input.extend(msg(next));
            let got = frames(&input).await;
            assert_eq!(got.len(), 3, "cut {cut}: {got:?}");
            let Frame::Body(b) = &got[0] else {
                panic!("{got:?}")
            };
            assert_eq!(check_message(b).clone_code(), Some(-32700), "cut {cut}");
            assert_eq!(got[1], Frame::Body(next.as_bytes().to_vec()));
            assert_eq!(got[2], Frame::Body(next.as_bytes().to_vec()));
        }
        // A long body (over a header line's limit), cut short, and the header right after
        // it at every alignment against the reader's buffer (small buffers: the header
        // straddles two reads at some shift).
        for capacity in [7, 16, 8192] {
            for shift in 0..40 {
                let text = "a".repeat(MAX_HEADER_LINE + shift);
                let long = format!(
                    r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"text":"{text}"}}}}"#
                );
                let mut input = format!("Content-Length: 100\r\n\r\n{long}").into_bytes();
                input.extend(msg(next));
                let mut r = BufReader::with_capacity(capacity, &input[..]);
                let mut got = Vec::new();
                while let Some(f) = read_frame(&mut r).await {
                    got.push(f);
                }
                assert_eq!(got.len(), 2, "capacity {capacity}, shift {shift}: {got:?}");
                assert_eq!(
                    got[1],
                    Frame::Body(next.as_bytes().to_vec()),
                    "shift {shift}"
                );
            }
        }
        // An unknown header that ends in "Content-Length" after the real one changes nothing.
        let input = format!(
            "Content-Length: {}\r\nX-Original-Content-Length: 5\r\n\r\n{next}",
            next.len()
        );
        assert_eq!(
            frames(input.as_bytes()).await,
            [Frame::Body(next.as_bytes().to_vec())]
        );
        // Lower-case header after the junk.
        let mut input = b"Content-Length: 3\r\n\r\n{\"jsonrpc\":1}".to_vec();
        input.extend(format!("content-length: {}\r\n\r\n{next}", next.len()).into_bytes());
        let got = frames(&input).await;
        assert_eq!(got.last(), Some(&Frame::Body(next.as_bytes().to_vec())));
    }

    #[tokio::test]
    async fn truncated_body_ends_the_stream() {
        let input = b"Content-Length: 50\r\n\r\n{\"jsonrpc\"".to_vec();
        let mut r = BufReader::new(&input[..]);
        assert_eq!(read_frame(&mut r).await, None);
    }
}
