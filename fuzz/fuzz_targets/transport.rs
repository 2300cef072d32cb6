//! The JSON-RPC framing layer (`lsp::transport`) on arbitrary input bytes: `pump_input` never
//! panics or hangs, every frame it passes on re-reads as the body it accepted (a JSON object
//! with `"jsonrpc": "2.0"`), and every error reply it sends is a well-formed JSON-RPC error
//! (odd client responses are dropped without one).
#![no_main]

use dep_ls::lsp::transport::{check_message, pump_input, read_frame, Frame, Verdict};
use libfuzzer_sys::fuzz_target;
use tokio::io::BufReader;

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    rt.block_on(async {
        // 1. The frames read directly.
        let mut r = BufReader::new(data);
        let mut accepted = Vec::new();
        let mut errors = 0usize;
        while let Some(f) = read_frame(&mut r).await {
            match f {
                Frame::Body(b) => match check_message(&b) {
                    Verdict::Pass { .. } => accepted.push(b),
                    Verdict::Reply { code, .. } => {
                        assert!(code == -32700 || code == -32600 || code == -32601);
                        errors += 1;
                    }
                    Verdict::Drop(_) => {}
                },
                Frame::BadHeader(_) | Frame::TooLarge(_) => errors += 1,
            }
        }
        // 2. The pump: what reaches the server, and the replies.
        let mut to_server = Vec::new();
        let (tx, mut rx) = tokio::sync::mpsc::channel(4);
        let drain = async {
            let mut replies = Vec::new();
            while let Some(m) = rx.recv().await {
                replies.push(m);
            }
            replies
        };
        let exit_seen = std::sync::Arc::new(tokio::sync::Notify::new());
        let ((), replies) = tokio::join!(pump_input(data, &mut to_server, tx, exit_seen), drain);
        assert_eq!(replies.len(), errors, "one error reply per bad frame");
        for rep in replies {
            let mut rr = BufReader::new(&rep[..]);
            let Some(Frame::Body(body)) = read_frame(&mut rr).await else {
                panic!("an error reply is a frame");
            };
            let v: serde_json::Value = serde_json::from_slice(&body).expect("reply is JSON");
            assert_eq!(v["jsonrpc"], "2.0");
            assert!(v["error"]["code"].is_i64());
            // Null, or the id of the request it answers (a string or a number).
            assert!(v["id"].is_null() || v["id"].is_string() || v["id"].is_number());
        }
        let mut rs = BufReader::new(&to_server[..]);
        let mut passed = Vec::new();
        while let Some(f) = read_frame(&mut rs).await {
            match f {
                Frame::Body(b) => passed.push(b),
                other => panic!("the server got a bad frame: {other:?}"),
            }
        }
        assert_eq!(passed, accepted, "bodies passed on unchanged");
    });
});
