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

/// Reads the next frame; `None` at the end of the stream (also when it ends mid-message).
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
            // Skip the rest of the line.
            loop {
                let buf = r.fill_buf().await.ok()?;
                if buf.is_empty() {
                    return None;
                }
                match buf.iter().position(|&b| b == b'\n') {
                    Some(i) => {
                        r.consume(i + 1);
                        break;
                    }
                    None => {
                        let l = buf.len();
                        r.consume(l);
                    }
                }
            }
            saw_header = true;
            bad = Some("header line too long".into());
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let t = text.trim_end_matches(['\r', '\n']);
        if t.is_empty() {
            if !saw_header {
                continue; // stray blank line between messages
            }
            break;
        }
        saw_header = true;
        match t.split_once(':') {
            Some((k, v)) if k.trim().eq_ignore_ascii_case("content-length") => {
                match v.trim().parse::<usize>() {
                    Ok(n) => len = Some(n),
                    Err(_) => {
                        bad = Some(format!(
                            "invalid Content-Length (a value of {} bytes, not a number)",
                            v.trim().len()
                        ))
                    }
                }
            }
            Some((k, _)) if k.trim().eq_ignore_ascii_case("content-type") => {}
            // Never echo the line itself: after a wrong Content-Length, the rest of a body
            // (document text) is read as header lines, and this message is logged.
            _ => {
                bad.get_or_insert_with(|| format!("malformed header line ({} bytes)", t.len()));
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

fn error_frame(code: i64, message: String) -> Vec<u8> {
    let v = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    frame_bytes(v.to_string().as_bytes())
}

/// Checks a body: a JSON object with `"jsonrpc": "2.0"` (a request, notification or response)
/// or a batch is passed on; anything else gets an error reply.
pub fn check_body(body: &[u8]) -> Result<(), (i64, String)> {
    match serde_json::from_slice::<Value>(body) {
        Err(e) => Err((-32700, format!("Parse error: {e}"))),
        Ok(Value::Object(m)) => {
            if m.get("jsonrpc").and_then(|v| v.as_str()) != Some("2.0") {
                return Err((-32600, "Invalid Request: `jsonrpc` must be \"2.0\"".into()));
            }
            if m.get("method").is_some_and(|v| !v.is_string()) {
                return Err((-32600, "Invalid Request: `method` must be a string".into()));
            }
            if m.get("method").is_none() && m.get("id").is_none() {
                return Err((
                    -32600,
                    "Invalid Request: neither a method nor a response id".into(),
                ));
            }
            Ok(())
        }
        Ok(_) => Err((
            -32600,
            "Invalid Request: a message must be a JSON object".into(),
        )),
    }
}

/// Is this body the `exit` notification?
pub fn is_exit(body: &[u8]) -> bool {
    body.windows(6).any(|w| w == b"\"exit\"")
        && serde_json::from_slice::<Value>(body)
            .is_ok_and(|v| v.get("method").and_then(Value::as_str) == Some("exit"))
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
            Frame::Body(body) => match check_body(&body) {
                Ok(()) => {
                    if to_server.write_all(&frame_bytes(&body)).await.is_err() {
                        break;
                    }
                    let _ = to_server.flush().await;
                    if is_exit(&body) {
                        exit_seen.notify_one();
                    }
                }
                Err((code, msg)) => {
                    tracing::warn!("malformed message: {msg}");
                    let _ = replies.send(error_frame(code, msg)).await;
                }
            },
            Frame::BadHeader(why) => {
                tracing::warn!("malformed header: {why}");
                let _ = replies
                    .send(error_frame(-32700, format!("Parse error: {why}")))
                    .await;
            }
            Frame::TooLarge(n) => {
                let _ = replies
                    .send(error_frame(
                        -32600,
                        format!("Invalid Request: message of {n} bytes is over the limit"),
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

    #[tokio::test]
    async fn truncated_body_ends_the_stream() {
        let input = b"Content-Length: 50\r\n\r\n{\"jsonrpc\"".to_vec();
        let mut r = BufReader::new(&input[..]);
        assert_eq!(read_frame(&mut r).await, None);
    }
}
