//! A Supabase Realtime mock server speaking the Phoenix protocol of realtime-js 2.x
//! (`vsn=2.0.0`: JSON arrays, binary user broadcasts), for tests, examples and users' tests.
//!
//! It answers as the conformance README's "Realtime" section says: joins are answered `ok`
//! with the `postgres_changes` bindings numbered from 1 (then `presence_state` and the
//! `system` message), heartbeats are answered, leaves get a reply and `phx_close`, broadcasts
//! are acked or echoed as the channel asked, presence pushes get a reply and a
//! `presence_diff`. Per-case overrides (`ws_responses`) replace those answers. It records the
//! upgrade and every frame per connection, pushes messages and closes sockets on command.
//! Plain HTTP `POST /realtime/v1/api/broadcast` is answered 202 and recorded.
//!
//! Nothing here sleeps: waits are on explicit events.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use base64::Engine as _;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

/// One websocket connection as the mock saw it.
#[derive(Debug, Clone)]
pub struct ConnectionRecord {
    /// The upgrade path.
    pub path: String,
    /// The raw query string.
    pub query: String,
    /// The upgrade headers, names lowercased, in order.
    pub headers: Vec<(String, String)>,
    /// Every client frame, decoded like the goldens' `frames`.
    pub frames: Vec<Value>,
    /// Every frame the mock sent, decoded the same way.
    pub server_frames: Vec<Value>,
    /// Whether the socket is closed.
    pub closed: bool,
}

/// One plain HTTP request.
#[derive(Debug, Clone)]
pub struct HttpRecord {
    /// The method.
    pub method: String,
    /// The path.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body text.
    pub body: String,
}

enum Out {
    Frame(WsMessage),
    Close,
    Abort,
}

#[derive(Default)]
struct State {
    conns: Vec<ConnectionRecord>,
    senders: Vec<Option<mpsc::UnboundedSender<Out>>>,
    http: Vec<HttpRecord>,
    ws_responses: Vec<Value>,
    silent_heartbeats: bool,
    /// Per connection and topic: the join ref and the join config.
    joins: HashMap<(usize, String), (Option<String>, Value)>,
    presence_refs: u64,
}

/// The mock server. Dropping it stops accepting and closes every socket.
pub struct RealtimeMock {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    changed: Arc<watch::Sender<u64>>,
    _shutdown: oneshot::Sender<()>,
}

impl std::fmt::Debug for RealtimeMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RealtimeMock")
            .field("addr", &self.addr)
            .finish()
    }
}

impl RealtimeMock {
    /// Starts the server on `127.0.0.1:0`.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State::default()));
        let changed = Arc::new(watch::Sender::new(0u64));
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let (st, ch) = (Arc::clone(&state), Arc::clone(&changed));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        tokio::spawn(serve(stream, Arc::clone(&st), Arc::clone(&ch)));
                    }
                }
            }
            // Close every socket.
            let senders: Vec<_> = st
                .lock()
                .unwrap()
                .senders
                .iter()
                .flatten()
                .cloned()
                .collect();
            for tx in senders {
                let _ = tx.send(Out::Abort);
            }
        });
        Self {
            addr,
            state,
            changed,
            _shutdown: shutdown,
        }
    }

    /// The project URL to give a client: `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Replaces the default answers (the README's `ws_responses`: a list of
    /// `{event?, topic?, reply?: {status, response} | null, push?: [M, …]}`).
    pub fn set_ws_responses(&self, responses: Vec<Value>) {
        self.state.lock().unwrap().ws_responses = responses;
    }

    /// Stops (or resumes) answering heartbeats.
    pub fn answer_heartbeats(&self, answer: bool) {
        self.state.lock().unwrap().silent_heartbeats = !answer;
    }

    /// Pushes message `m` (`{"topic","event","payload","ref"?,"join_ref"?}` or
    /// `{"binary":"user_broadcast",…}`; `"$join_ref"` is the topic's last join ref) on the
    /// latest open socket; `false` if none is open.
    pub fn send(&self, m: &Value) -> bool {
        let mut st = self.state.lock().unwrap();
        let Some(idx) = st.senders.iter().rposition(Option::is_some) else {
            return false;
        };
        let frame = build_server_frame(&st, idx, m);
        st.conns[idx].server_frames.push(describe(&frame));
        st.senders[idx]
            .as_ref()
            .unwrap()
            .send(Out::Frame(frame))
            .is_ok()
    }

    /// Sends a raw text frame on the latest open socket (for malformed-frame tests).
    pub fn send_raw(&self, frame: WsMessage) -> bool {
        let st = self.state.lock().unwrap();
        match st.senders.iter().rev().flatten().next() {
            Some(tx) => tx.send(Out::Frame(frame)).is_ok(),
            None => false,
        }
    }

    /// Closes every open socket with a close frame.
    pub fn close_sockets(&self) {
        for tx in self.state.lock().unwrap().senders.iter().flatten() {
            let _ = tx.send(Out::Close);
        }
    }

    /// Drops every open socket without a close frame (a broken connection).
    pub fn drop_sockets(&self) {
        for tx in self.state.lock().unwrap().senders.iter().flatten() {
            let _ = tx.send(Out::Abort);
        }
    }

    /// Every websocket connection so far.
    pub fn connections(&self) -> Vec<ConnectionRecord> {
        self.state.lock().unwrap().conns.clone()
    }

    /// Every client frame of every connection, in order.
    pub fn frames(&self) -> Vec<Value> {
        let st = self.state.lock().unwrap();
        st.conns.iter().flat_map(|c| c.frames.clone()).collect()
    }

    /// Every plain HTTP request.
    pub fn http_requests(&self) -> Vec<HttpRecord> {
        self.state.lock().unwrap().http.clone()
    }

    /// A connector for `RealtimeOptions::connector`: every call opens an in-memory
    /// connection to this server (no kernel socket: under tokio's paused clock the replies are
    /// never mistaken for idleness).
    pub fn in_memory(&self) -> InMemoryConnector {
        InMemoryConnector {
            state: Arc::clone(&self.state),
            changed: Arc::clone(&self.changed),
        }
    }

    /// Waits until `check` holds for the connections (re-checked on every recorded event).
    pub async fn wait_until(&self, check: impl Fn(&[ConnectionRecord]) -> bool) {
        let mut rx = self.changed.subscribe();
        loop {
            if check(&self.state.lock().unwrap().conns) {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }

    /// Waits until the clients sent `n` frames in all.
    pub async fn wait_frames(&self, n: usize) {
        self.wait_until(|c| c.iter().map(|c| c.frames.len()).sum::<usize>() >= n)
            .await;
    }

    /// Waits until `n` websocket connections were accepted.
    pub async fn wait_connections(&self, n: usize) {
        self.wait_until(|c| c.len() >= n).await;
    }

    /// Waits until `n` HTTP requests arrived.
    pub async fn wait_http(&self, n: usize) {
        let mut rx = self.changed.subscribe();
        loop {
            if self.state.lock().unwrap().http.len() >= n {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}

/// Opens in-memory connections to a [`RealtimeMock`].
#[derive(Clone)]
pub struct InMemoryConnector {
    state: Arc<Mutex<State>>,
    changed: Arc<watch::Sender<u64>>,
}

impl std::fmt::Debug for InMemoryConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InMemoryConnector")
    }
}

impl InMemoryConnector {
    /// A new connection; the server side is served at once.
    pub fn connect(&self) -> tokio::io::DuplexStream {
        let (client, server) = tokio::io::duplex(1 << 20);
        tokio::spawn(serve(
            server,
            Arc::clone(&self.state),
            Arc::clone(&self.changed),
        ));
        client
    }
}

/// A stream that first replays bytes already read.
struct Prefixed<S> {
    prefix: Vec<u8>,
    pos: usize,
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.pos < self.prefix.len() {
            let n = buf.remaining().min(self.prefix.len() - self.pos);
            let start = self.pos;
            buf.put_slice(&self.prefix[start..start + n]);
            self.pos += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

fn bump(changed: &watch::Sender<u64>) {
    changed.send_modify(|g| *g += 1);
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    mut stream: S,
    state: Arc<Mutex<State>>,
    changed: Arc<watch::Sender<u64>>,
) {
    // Read the request head.
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_string();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (target.clone(), None),
    };
    let upgrade = headers
        .iter()
        .any(|(k, v)| k == "upgrade" && v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = head[end..].to_vec();
        while body.len() < length {
            let Ok(n) = stream.read(&mut buf).await else {
                return;
            };
            if n == 0 {
                break;
            }
            body.extend_from_slice(&buf[..n]);
        }
        let status = if method == "POST" && path.starts_with("/realtime/v1/api/broadcast") {
            "202 Accepted"
        } else {
            "404 Not Found"
        };
        state.lock().unwrap().http.push(HttpRecord {
            method,
            path,
            query,
            headers,
            body: String::from_utf8_lossy(&body).to_string(),
        });
        bump(&changed);
        let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
        return;
    }
    if path != "/realtime/v1/websocket" {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        return;
    }
    let prefixed = Prefixed {
        prefix: head,
        pos: 0,
        inner: stream,
    };
    let Ok(ws) = tokio_tungstenite::accept_async(prefixed).await else {
        return;
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let idx = {
        let mut st = state.lock().unwrap();
        st.conns.push(ConnectionRecord {
            path,
            query: query.unwrap_or_default(),
            headers,
            frames: vec![],
            server_frames: vec![],
            closed: false,
        });
        st.senders.push(Some(tx));
        st.conns.len() - 1
    };
    bump(&changed);
    let (mut sink, mut source) = ws.split();
    loop {
        tokio::select! {
            incoming = source.next() => {
                let Some(Ok(frame)) = incoming else { break };
                if !matches!(frame, WsMessage::Text(_) | WsMessage::Binary(_)) {
                    // Control frames (ping, pong, close) are not part of the protocol record.
                    continue;
                }
                let answers = {
                    let mut st = state.lock().unwrap();
                    let answers = answer(&mut st, idx, &frame);
                    st.conns[idx].frames.push(describe(&frame));
                    for a in &answers {
                        let d = describe(a);
                        st.conns[idx].server_frames.push(d);
                    }
                    answers
                };
                // Keep reading what the client sent even if it no longer reads answers.
                for a in answers {
                    let _ = sink.send(a).await;
                }
                bump(&changed);
            }
            out = rx.recv() => match out {
                Some(Out::Frame(f)) => {
                    if sink.send(f).await.is_err() { break }
                    bump(&changed);
                }
                Some(Out::Close) => {
                    let _ = sink.send(WsMessage::Close(Some(CloseFrame {
                        code: 1000.into(),
                        reason: "closed by the mock".into(),
                    }))).await;
                    break;
                }
                Some(Out::Abort) | None => break,
            },
        }
    }
    {
        let mut st = state.lock().unwrap();
        st.conns[idx].closed = true;
        st.senders[idx] = None;
    }
    bump(&changed);
}

fn text_frame(
    join_ref: Option<&str>,
    msg_ref: Option<&str>,
    topic: &str,
    event: &str,
    payload: Value,
) -> WsMessage {
    WsMessage::Text(
        json!([join_ref, msg_ref, topic, event, payload])
            .to_string()
            .into(),
    )
}

/// Decodes a frame like the goldens do.
pub fn describe(frame: &WsMessage) -> Value {
    match frame {
        WsMessage::Text(t) => match serde_json::from_str::<Value>(t.as_str()) {
            Ok(Value::Array(a)) if a.len() == 5 => json!({
                "format": "json_array", "join_ref": a[0], "ref": a[1], "topic": a[2],
                "event": a[3], "payload": a[4],
            }),
            _ => json!({"format": "text", "text": t.as_str()}),
        },
        WsMessage::Binary(b) => describe_binary(b),
        other => json!({"format": "control", "text": format!("{other:?}")}),
    }
}

fn describe_binary(b: &[u8]) -> Value {
    let parse = || -> Option<Value> {
        let kind = *b.first()?;
        let (lens, header): (Vec<usize>, usize) = match kind {
            3 => (b.get(1..6)?.iter().map(|x| *x as usize).collect(), 7),
            4 => (b.get(1..4)?.iter().map(|x| *x as usize).collect(), 5),
            _ => return None,
        };
        let encoding = *b.get(header - 1)?;
        let mut pos = header;
        let mut take = |n: usize| -> Option<String> {
            let s = String::from_utf8(b.get(pos..pos + n)?.to_vec()).ok()?;
            pos += n;
            Some(s)
        };
        let strings: Vec<String> = lens.iter().map(|n| take(*n)).collect::<Option<_>>()?;
        let payload = b.get(pos..)?;
        let (join_ref, msg_ref, topic, event, meta) = if kind == 3 {
            (
                Some(strings[0].clone()),
                Some(strings[1].clone()),
                strings[2].clone(),
                strings[3].clone(),
                strings[4].clone(),
            )
        } else {
            (
                None,
                None,
                strings[0].clone(),
                strings[1].clone(),
                strings[2].clone(),
            )
        };
        let metadata = if meta.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&meta).ok()?
        };
        let mut v = json!({
            "format": "binary",
            "kind": if kind == 3 { "user_broadcast_push" } else { "user_broadcast" },
            "topic": topic, "event": "broadcast", "user_event": event, "metadata": metadata,
        });
        if kind == 3 {
            v["join_ref"] = json!(join_ref);
            v["ref"] = json!(msg_ref);
        }
        if encoding == 1 {
            v["payload_encoding"] = json!("json");
            v["payload"] = serde_json::from_slice(payload).ok()?;
        } else {
            v["payload_encoding"] = json!("binary");
            v["payload_base64"] = json!(base64::engine::general_purpose::STANDARD.encode(payload));
        }
        Some(v)
    };
    parse().unwrap_or_else(|| {
        json!({"format": "binary", "kind": format!("unknown({})", b.first().copied().unwrap_or(0))})
    })
}

fn build_server_frame(st: &State, idx: usize, m: &Value) -> WsMessage {
    let topic = m["topic"].as_str().unwrap_or_default().to_owned();
    let join_ref = st
        .joins
        .get(&(idx, topic.clone()))
        .and_then(|(r, _)| r.clone());
    if m.get("binary").is_some() {
        let event = m["event"].as_str().unwrap_or_default();
        let meta = m
            .get("meta")
            .filter(|v| !v.is_null())
            .map(Value::to_string)
            .unwrap_or_default();
        let (encoding, payload) = match m.get("payload_base64").and_then(Value::as_str) {
            Some(b) => (
                0u8,
                base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .unwrap_or_default(),
            ),
            None => (1u8, m["payload"].to_string().into_bytes()),
        };
        let mut out = vec![
            4,
            topic.len() as u8,
            event.len() as u8,
            meta.len() as u8,
            encoding,
        ];
        out.extend_from_slice(topic.as_bytes());
        out.extend_from_slice(event.as_bytes());
        out.extend_from_slice(meta.as_bytes());
        out.extend_from_slice(&payload);
        return WsMessage::Binary(out.into());
    }
    let subst = |v: Option<&Value>| -> Option<String> {
        match v {
            Some(Value::String(s)) if s == "$join_ref" => join_ref.clone(),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    };
    text_frame(
        subst(m.get("join_ref")).as_deref(),
        subst(m.get("ref")).as_deref(),
        &topic,
        m["event"].as_str().unwrap_or_default(),
        m.get("payload").cloned().unwrap_or(json!({})),
    )
}

/// The answers to one client frame.
fn answer(st: &mut State, idx: usize, frame: &WsMessage) -> Vec<WsMessage> {
    let d = describe(frame);
    let topic = d["topic"].as_str().unwrap_or_default().to_owned();
    let event = d["event"].as_str().unwrap_or_default().to_owned();
    let join_ref = d["join_ref"].as_str().map(str::to_owned);
    let msg_ref = d["ref"].as_str().map(str::to_owned);
    let reply = |status: &str, response: Value| {
        text_frame(
            join_ref.as_deref(),
            msg_ref.as_deref(),
            &topic,
            "phx_reply",
            json!({"status": status, "response": response}),
        )
    };
    let mut out = vec![];
    if d["format"] == "text" || d["format"] == "control" {
        return out;
    }
    if event == "phx_join" {
        let config = d["payload"].get("config").cloned().unwrap_or(Value::Null);
        st.joins
            .insert((idx, topic.clone()), (join_ref.clone(), config));
    }
    // Overrides first.
    let over = st.ws_responses.iter().find(|r| {
        r.get("event")
            .and_then(Value::as_str)
            .is_none_or(|e| e == event)
            && r.get("topic")
                .and_then(Value::as_str)
                .is_none_or(|t| t == topic)
    });
    if let Some(over) = over.cloned() {
        if let Some(r) = over.get("reply").filter(|r| !r.is_null()) {
            out.push(reply(
                r["status"].as_str().unwrap_or("ok"),
                r.get("response").cloned().unwrap_or(json!({})),
            ));
        }
        for m in over
            .get("push")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
        {
            out.push(build_server_frame(st, idx, &m));
        }
        return out;
    }
    match event.as_str() {
        "heartbeat" if topic == "phoenix" => {
            if !st.silent_heartbeats {
                out.push(text_frame(
                    None,
                    msg_ref.as_deref(),
                    "phoenix",
                    "phx_reply",
                    json!({"status": "ok", "response": {}}),
                ));
            }
        }
        "phx_join" => {
            let config = d["payload"].get("config").cloned().unwrap_or(Value::Null);
            let bindings: Vec<Value> = config["postgres_changes"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, mut b)| {
                    b["id"] = json!(i + 1);
                    b
                })
                .collect();
            let any = !bindings.is_empty();
            out.push(reply("ok", json!({"postgres_changes": bindings})));
            if config["presence"]["enabled"] == json!(true) {
                out.push(text_frame(
                    join_ref.as_deref(),
                    None,
                    &topic,
                    "presence_state",
                    json!({}),
                ));
            }
            if any {
                out.push(text_frame(join_ref.as_deref(), None, &topic, "system", json!({
                    "message": "Subscribed to PostgreSQL", "status": "ok", "extension": "postgres_changes",
                    "channel": topic.strip_prefix("realtime:").unwrap_or(&topic),
                })));
            }
        }
        "phx_leave" => {
            out.push(reply("ok", json!({})));
            out.push(text_frame(
                join_ref.as_deref(),
                join_ref.as_deref(),
                &topic,
                "phx_close",
                json!({}),
            ));
        }
        "access_token" => {}
        "broadcast" => {
            let config = st
                .joins
                .get(&(idx, topic.clone()))
                .map(|(_, c)| c.clone())
                .unwrap_or(Value::Null);
            if config["broadcast"]["ack"] == json!(true) {
                out.push(reply("ok", json!({})));
            }
            if config["broadcast"]["self"] == json!(true) {
                if d["format"] == "binary" {
                    let mut m = json!({"binary": "user_broadcast", "topic": topic, "event": d["user_event"], "meta": d["metadata"]});
                    if let Some(p) = d.get("payload") {
                        m["payload"] = p.clone();
                    } else {
                        m["payload_base64"] = d["payload_base64"].clone();
                    }
                    out.push(build_server_frame(st, idx, &m));
                } else {
                    out.push(text_frame(
                        None,
                        None,
                        &topic,
                        "broadcast",
                        d["payload"].clone(),
                    ));
                }
            }
        }
        "presence" => {
            out.push(reply("ok", json!({})));
            let config = st
                .joins
                .get(&(idx, topic.clone()))
                .map(|(_, c)| c.clone())
                .unwrap_or(Value::Null);
            let key = config["presence"]["key"]
                .as_str()
                .filter(|k| !k.is_empty())
                .unwrap_or("conformance-presence-key")
                .to_owned();
            let tracked_key = (idx, format!("presence:{topic}"));
            let previous = st.joins.get(&tracked_key).map(|(_, m)| m.clone());
            let payload = &d["payload"];
            if payload["event"] == "track" {
                st.presence_refs += 1;
                let mut meta = payload["payload"].clone();
                meta["phx_ref"] = json!(format!("phx-ref-{}", st.presence_refs));
                let leaves = match &previous {
                    Some(p) => json!({key.clone(): {"metas": [p]}}),
                    None => json!({}),
                };
                st.joins.insert(tracked_key, (None, meta.clone()));
                out.push(text_frame(
                    join_ref.as_deref(),
                    None,
                    &topic,
                    "presence_diff",
                    json!({"joins": {key: {"metas": [meta]}}, "leaves": leaves}),
                ));
            } else if payload["event"] == "untrack" {
                let leaves = match &previous {
                    Some(p) => json!({key: {"metas": [p]}}),
                    None => json!({}),
                };
                st.joins.remove(&tracked_key);
                out.push(text_frame(
                    join_ref.as_deref(),
                    None,
                    &topic,
                    "presence_diff",
                    json!({"joins": {}, "leaves": leaves}),
                ));
            }
        }
        _ => out.push(reply("ok", json!({}))),
    }
    out
}
