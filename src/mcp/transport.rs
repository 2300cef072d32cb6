//! MCP's stdio transport: one JSON-RPC message per line on stdin and stdout (UTF-8, no
//! embedded newlines), in front of rmcp's service.
//!
//! rmcp's own line transport drops a line that is not JSON without a word (on purpose: the
//! official SDKs do, to avoid error storms between two confused peers). JSON-RPC 2.0 asks for a
//! `-32700 Parse error` response with a null id, and an agent that sent a broken line is better
//! told so than left waiting: this transport answers it, and answers a JSON value that is not a
//! message with `-32600 Invalid Request` (or `-32602 Invalid params` for a request of a known
//! method whose params do not fit), with the request's id when it has one. Notifications that
//! cannot be read are dropped (nothing may answer a notification). Lines longer than
//! [`MAX_LINE`] are skipped to their end and answered with `-32600`. End of input ends the
//! session.

use rmcp::model::{ClientRequest, JsonRpcMessage, JsonRpcRequest};
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use rmcp::RoleServer;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::Mutex;

/// The longest line read (longer ones are skipped and answered with an error).
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// The methods a client may send this server (a request of one of these whose params cannot be
/// read gets `-32602 Invalid params`; any other unreadable request `-32600`).
const KNOWN_METHODS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "prompts/list",
    "prompts/get",
    "completion/complete",
    "logging/setLevel",
];

/// Newline-delimited JSON-RPC over a reader and a writer (stdin and stdout in `dep-ls mcp`).
///
/// rmcp polls `receive` in a `select!` and may drop it between two reads: the line read so far
/// lives here, not in the future, and error replies are written by a task of their own, so a
/// dropped `receive` loses nothing.
pub struct LineTransport<R, W> {
    reader: R,
    writer: Arc<Mutex<W>>,
    /// The part of the current line read so far.
    line: Vec<u8>,
    /// The current line is longer than [`MAX_LINE`]: skipping to its end.
    too_long: bool,
    /// Error replies being written.
    replies: Vec<tokio::task::JoinHandle<()>>,
}

impl<R, W> LineTransport<R, W> {
    pub fn new(reader: R, writer: W) -> Self {
        LineTransport {
            reader,
            writer: Arc::new(Mutex::new(writer)),
            line: Vec::new(),
            too_long: false,
            replies: Vec::new(),
        }
    }

    /// Waits for the error replies still being written.
    async fn flush_replies(&mut self) {
        for h in std::mem::take(&mut self.replies) {
            let _ = h.await;
        }
    }
}

/// One line of input.
#[derive(Debug)]
enum Line {
    Text(Vec<u8>),
    TooLong,
}

impl<R: AsyncBufRead + Unpin, W> LineTransport<R, W> {
    /// Reads one line (without its `\n`), at most [`MAX_LINE`] bytes kept; `None` at end of
    /// input. Cancel-safe: the only await is `fill_buf`, and what it gave is taken into `self`
    /// before the next.
    async fn read_line(&mut self) -> std::io::Result<Option<Line>> {
        loop {
            let chunk = self.reader.fill_buf().await?;
            if chunk.is_empty() {
                // End of input: a last line without `\n` still counts.
                let line = std::mem::take(&mut self.line);
                return Ok(if std::mem::take(&mut self.too_long) {
                    Some(Line::TooLong)
                } else if line.is_empty() {
                    None
                } else {
                    Some(Line::Text(line))
                });
            }
            let (take, done) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if !self.too_long {
                if self.line.len() + take > MAX_LINE {
                    self.too_long = true;
                    self.line = Vec::new();
                } else {
                    self.line.extend_from_slice(&chunk[..take]);
                }
            }
            self.reader.consume(if done { take + 1 } else { take });
            if done {
                let line = std::mem::take(&mut self.line);
                return Ok(Some(if std::mem::take(&mut self.too_long) {
                    Line::TooLong
                } else {
                    Line::Text(line)
                }));
            }
        }
    }
}

/// A JSON-RPC error response.
fn error_response(id: Value, code: i64, message: String) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// What to do with one line: a message for the service, an error to send back, or nothing.
#[derive(Debug)]
enum Decoded {
    Message(Box<RxJsonRpcMessage<RoleServer>>),
    Reply(Value),
    Skip,
}

/// Reads one line as a client message.
fn decode(line: &[u8]) -> Decoded {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Decoded::Skip;
    }
    let value: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            return Decoded::Reply(error_response(
                Value::Null,
                -32700,
                format!("Parse error: not a JSON value ({e})"),
            ))
        }
    };
    let Some(obj) = value.as_object() else {
        let what = if value.is_array() {
            "a batch (JSON array); MCP sends one message per line"
        } else {
            "not a JSON-RPC message object"
        };
        return Decoded::Reply(error_response(
            Value::Null,
            -32600,
            format!("Invalid Request: {what}"),
        ));
    };
    let id = obj.get("id").cloned();
    let method = obj
        .get("method")
        .and_then(Value::as_str)
        .map(str::to_string);
    match serde_json::from_value::<RxJsonRpcMessage<RoleServer>>(value) {
        // rmcp reads a request of a known method whose params do not fit as a custom request
        // (and would answer "method not found"): it is a request with invalid params.
        Ok(JsonRpcMessage::Request(JsonRpcRequest {
            id,
            request: ClientRequest::CustomRequest(c),
            ..
        })) if KNOWN_METHODS.contains(&c.method.as_str()) => {
            let id = serde_json::to_value(&id).unwrap_or(Value::Null);
            Decoded::Reply(error_response(
                id,
                -32602,
                format!(
                    "Invalid params for {}: {}",
                    c.method,
                    params_error(&c.method, c.params.unwrap_or(Value::Null))
                ),
            ))
        }
        Ok(msg) => Decoded::Message(Box::new(msg)),
        Err(e) => match id {
            // A notification (or a response to nothing we asked) is never answered.
            None => {
                tracing::debug!("dropping an unreadable notification: {e}");
                Decoded::Skip
            }
            Some(id) => {
                let id = match id {
                    Value::String(_) | Value::Number(_) => id,
                    _ => Value::Null,
                };
                match method {
                    Some(m) if KNOWN_METHODS.contains(&m.as_str()) => Decoded::Reply(
                        error_response(id, -32602, format!("Invalid params for {m}: {e}")),
                    ),
                    _ => {
                        Decoded::Reply(error_response(id, -32600, format!("Invalid Request: {e}")))
                    }
                }
            }
        },
    }
}

/// Why the params of a request of a known method cannot be read.
fn params_error(method: &str, params: Value) -> String {
    fn why<T: serde::de::DeserializeOwned>(params: Value) -> String {
        match serde_json::from_value::<T>(params) {
            Err(e) => e.to_string(),
            Ok(_) => "they do not match the method's parameters".to_string(),
        }
    }
    match method {
        "tools/call" => why::<rmcp::model::CallToolRequestParams>(params),
        "initialize" => why::<rmcp::model::InitializeRequestParams>(params),
        _ => "they do not match the method's parameters".to_string(),
    }
}

/// Writes one message as one line and flushes.
async fn write_line<W: AsyncWrite + Unpin>(w: &Mutex<W>, bytes: Vec<u8>) -> std::io::Result<()> {
    let mut w = w.lock().await;
    w.write_all(&bytes).await?;
    w.write_all(b"\n").await?;
    w.flush().await
}

impl<R, W> Transport<RoleServer> for LineTransport<R, W>
where
    R: AsyncBufRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl std::future::Future<Output = Result<(), Self::Error>> + Send + 'static {
        let writer = Arc::clone(&self.writer);
        async move {
            // serde_json never writes a raw newline inside a value: one message, one line.
            let bytes = serde_json::to_vec(&item).map_err(std::io::Error::other)?;
            write_line(&writer, bytes).await
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let line = match self.read_line().await {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.flush_replies().await;
                    return None;
                }
                Err(e) => {
                    tracing::warn!("cannot read stdin: {e}");
                    self.flush_replies().await;
                    return None;
                }
            };
            let decoded = match line {
                Line::TooLong => Decoded::Reply(error_response(
                    Value::Null,
                    -32600,
                    format!("Invalid Request: a message longer than {MAX_LINE} bytes"),
                )),
                Line::Text(bytes) => decode(&bytes),
            };
            match decoded {
                Decoded::Message(m) => return Some(*m),
                Decoded::Skip => {}
                Decoded::Reply(v) => {
                    let writer = Arc::clone(&self.writer);
                    let bytes = v.to_string().into_bytes();
                    self.replies.retain(|h| !h.is_finished());
                    self.replies.push(tokio::spawn(async move {
                        if let Err(e) = write_line(&writer, bytes).await {
                            tracing::warn!("cannot write stdout: {e}");
                        }
                    }));
                }
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.flush_replies().await;
        let mut w = self.writer.lock().await;
        w.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str) -> Value {
        match decode(line.as_bytes()) {
            Decoded::Reply(v) => v,
            other => panic!("{line}: expected a reply, got {other:?}"),
        }
    }

    #[test]
    fn broken_lines_get_the_json_rpc_errors() {
        let r = reply("{not json");
        assert_eq!(r["error"]["code"], -32700);
        assert_eq!(r["id"], Value::Null);
        assert_eq!(reply("[1,2]")["error"]["code"], -32600);
        assert_eq!(reply("42")["error"]["code"], -32600);
        // A known method with params that do not fit: invalid params, with the id.
        let r = reply(r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":5}}"#);
        assert_eq!(r["error"]["code"], -32602, "{r}");
        assert_eq!(r["id"], 7);
        // Not a message at all, with an id: invalid request.
        let r = reply(r#"{"jsonrpc":"2.0","id":"a","result":1,"error":2,"method":3}"#);
        assert_eq!(r["id"], "a", "{r}");
    }

    #[test]
    fn good_lines_blank_lines_and_notifications() {
        assert!(matches!(decode(b"  \r"), Decoded::Skip));
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            Decoded::Message(_)
        ));
        assert!(matches!(
            decode(b"\xEF\xBB\xBF{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r"),
            Decoded::Message(_)
        ));
        // An unreadable notification is dropped, never answered.
        assert!(matches!(
            decode(br#"{"jsonrpc":"2.0","method":"notifications/initialized","params":3}"#),
            Decoded::Skip | Decoded::Message(_)
        ));
    }

    #[tokio::test]
    async fn lines_are_bounded_and_the_last_needs_no_newline() {
        let long = "x".repeat(MAX_LINE + 10);
        let input = format!("a\n{long}\nb");
        let r = tokio::io::BufReader::new(input.as_bytes());
        let mut t = LineTransport::new(r, tokio::io::sink());
        assert!(matches!(t.read_line().await, Ok(Some(Line::Text(t))) if t == b"a"));
        assert!(matches!(t.read_line().await, Ok(Some(Line::TooLong))));
        assert!(matches!(t.read_line().await, Ok(Some(Line::Text(t))) if t == b"b"));
        assert!(matches!(t.read_line().await, Ok(None)));
    }

    /// A `receive` dropped in the middle of a line (rmcp polls it in a `select!`) loses
    /// nothing: the next one reads the whole message.
    #[tokio::test]
    async fn a_dropped_receive_loses_nothing() {
        let (mut client, server) = tokio::io::duplex(64);
        let mut t = LineTransport::new(tokio::io::BufReader::new(server), tokio::io::sink());
        client
            .write_all(br#"{"jsonrpc":"2.0","id":1,"#)
            .await
            .expect("write");
        let first = tokio::time::timeout(std::time::Duration::from_millis(50), t.receive()).await;
        assert!(first.is_err(), "half a line is no message yet");
        client
            .write_all(b"\"method\":\"ping\"}\n")
            .await
            .expect("write");
        drop(client);
        let msg = tokio::time::timeout(std::time::Duration::from_secs(5), t.receive())
            .await
            .expect("in time");
        assert!(msg.is_some(), "the whole message is read");
        assert!(t.receive().await.is_none());
    }
}
