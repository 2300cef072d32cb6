//! Tests of the framing and of the envelope check.

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
    serde_json::from_str::<Response>(text).is_ok() || serde_json::from_str::<Request>(text).is_ok()
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
