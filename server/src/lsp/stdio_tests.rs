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

#[test]
fn frames_without_a_length_are_skipped() {
    let input = b"Foo: bar\r\n\r\nContent-Length: 2\r\n\r\n{}".to_vec();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = rt.block_on(async {
        let mut r = BufReader::new(&input[..]);
        let first = read_frame(&mut r).await;
        let second = read_frame(&mut r).await;
        (first, second)
    });
    assert_eq!(body, (Some(b"{}".to_vec()), None));
}
