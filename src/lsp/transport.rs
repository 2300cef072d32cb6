//! The stdio transport in front of tower-lsp-server: it frames messages itself so that a
//! malformed message gets a JSON-RPC error and the session goes on (tower-lsp's own reader
//! stops at the first undecodable message), and so that the server's output, our own error
//! replies and our own notifications (`publishDiagnostics`, [`notification_frame`]) reach
//! stdout as whole frames. This file holds the framing and the two pumps; what is done with a
//! complete body is decided in `envelope`.

mod envelope;
#[cfg(test)]
mod tests;

pub use envelope::{check_body, check_message, is_exit, Verdict};

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
