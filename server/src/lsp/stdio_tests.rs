use super::*;

#[test]
fn messages_pass_and_nonsense_is_replaced() {
    let ok = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#.to_vec();
    assert_eq!(sanitize(ok.clone()), ok);
    let resp = br#"{"jsonrpc":"2.0","id":1,"result":null}"#.to_vec();
    assert_eq!(sanitize(resp.clone()), resp);
    let bad: Value = serde_json::from_slice(&sanitize(b"{not json".to_vec())).unwrap();
    assert_eq!(bad["id"], Value::Null);
    assert_eq!(bad["method"], INVALID_MESSAGE);
    let bad: Value = serde_json::from_slice(&sanitize(br#"{"id":7,"foo":1}"#.to_vec())).unwrap();
    assert_eq!(bad["id"], 7);
}

/// The first `n` results of `read_frame` on `input`.
fn frames(input: &[u8], n: usize) -> Vec<Option<Vec<u8>>> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut r = BufReader::new(input);
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(read_frame(&mut r).await);
        }
        out
    })
}

#[test]
fn frames_without_a_length_are_skipped() {
    let input = b"Foo: bar\r\n\r\nContent-Length: 2\r\n\r\n{}";
    assert_eq!(frames(input, 2), vec![Some(b"{}".to_vec()), None]);
}

#[test]
fn garbage_headers_cost_bounded_memory_and_do_not_end_the_input() {
    // A megabyte without a line end, bytes that are not UTF-8, then a frame.
    let mut input = vec![b'x'; 1 << 20];
    input.extend_from_slice(b"\r\n\xff\xfe: \x80\r\n\r\nContent-Length: 2\r\n\r\n{}");
    assert_eq!(frames(&input, 1), vec![Some(b"{}".to_vec())]);
}

#[test]
fn a_body_cut_short_ends_the_input_without_reserving_the_claimed_length() {
    // Claims 200 MB, sends a few bytes, then the input ends.
    let input = b"Content-Length: 200000000\r\n\r\n{\"jsonrpc\"";
    assert_eq!(frames(input, 1), vec![None]);
    // A body that arrives in full is returned whole, past the first chunk.
    let big = vec![b' '; 200_000];
    let mut input = format!("Content-Length: {}\r\n\r\n", big.len()).into_bytes();
    input.extend_from_slice(&big);
    assert_eq!(frames(&input, 1), vec![Some(big)]);
}

/// A sink the test can read back.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn library_frames_and_own_frames_never_interleave() {
    let sink = Shared::default();
    let (out, thread) = Output::start(sink.clone());
    let mut lib = out.library();
    let a = frame(b"{\"a\":1}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        // The library's frame arrives in pieces; ours is queued between.
        lib.write_all(&a[..5]).await.unwrap();
        lib.write_all(&a[5..20]).await.unwrap();
        out.send(frame(b"{\"b\":2}"));
        lib.write_all(&a[20..]).await.unwrap();
        let c = frame(b"{\"c\":3}");
        let d = frame(b"{}");
        lib.write_all(&[c, d].concat()).await.unwrap();
    });
    out.stop();
    thread.join().unwrap();
    let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        written,
        "Content-Length: 7\r\n\r\n{\"b\":2}Content-Length: 7\r\n\r\n{\"a\":1}\
         Content-Length: 7\r\n\r\n{\"c\":3}Content-Length: 2\r\n\r\n{}"
    );
}
