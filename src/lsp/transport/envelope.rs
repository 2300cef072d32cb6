//! What the transport does with a complete body ([`Verdict`]): pass it on to tower-lsp, answer
//! it with a JSON-RPC error, or drop it. Each body is parsed once into its envelope.

use serde_json::Value;

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
