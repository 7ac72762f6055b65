//! Behaviour tests against the Realtime mock (no network, no real sleeps).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Switchable, of_event};
use futures_util::StreamExt;
use serde_json::{Value, json};
use supabase_core::{StaticTokenProvider, TokenProvider};
use supabase_realtime::{
    BroadcastPayload, ChangeKind, ChannelState, ChannelStatus, PostgresChangesFilter,
    PostgresEvent, PresenceEvent, RealtimeClient, RealtimeError, RealtimeOptions,
};
use supabase_test_support::realtime_mock::RealtimeMock;
use supabase_test_support::{ManualClock, mint_jwt};

const KEY: &str = "anon-key-for-tests";

/// Options whose socket runs in memory to the mock (deterministic under the paused clock).
fn options(mock: &RealtimeMock) -> RealtimeOptions {
    let connector = mock.in_memory();
    RealtimeOptions::default().connector(move || {
        let stream = connector.connect();
        async move { Ok(stream) }
    })
}

fn client(mock: &RealtimeMock) -> RealtimeClient {
    RealtimeClient::with_options(&mock.url(), KEY, options(mock)).unwrap()
}

fn jwt(sub: &str, exp: u64) -> String {
    mint_jwt(&json!({"sub": sub, "role": "authenticated", "exp": exp}))
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Todo {
    id: i64,
    done: bool,
    title: String,
}

fn insert_push(topic: &str, kind: &str) -> Value {
    json!({"topic": topic, "event": "postgres_changes", "payload": {"ids": [1], "data": {
        "type": kind, "schema": "public", "table": "todos", "commit_timestamp": "2024-01-01T00:00:00Z",
        "errors": null,
        "columns": [{"name": "id", "type": "int8"}, {"name": "done", "type": "bool"}, {"name": "title", "type": "text"}],
        "record": {"id": "7", "done": "t", "title": "write tests"},
        "old_record": if kind == "INSERT" { Value::Null } else { json!({"id": "7", "done": "f", "title": "old"}) }}}})
}

#[tokio::test]
async fn subscribe_sends_the_join_and_resolves() {
    let mock = RealtimeMock::start().await;
    let c = RealtimeClient::with_options(
        &mock.url(),
        KEY,
        RealtimeOptions::default()
            .param("eventsPerSecond", "5")
            .log_level("info"),
    )
    .unwrap();
    let mut b = c.channel("room1").unwrap();
    let mut status = b.status();
    let ch = b.subscribe().await.unwrap();
    assert_eq!(ch.state(), ChannelState::Joined);
    assert_eq!(status.next().await, Some(ChannelStatus::Subscribed));
    let conns = mock.connections();
    assert_eq!(conns.len(), 1);
    assert_eq!(
        conns[0].query,
        format!("apikey={KEY}&eventsPerSecond=5&log_level=info&vsn=2.0.0")
    );
    assert!(!conns[0].headers.iter().any(|(k, _)| k == "authorization"));
    let join = &conns[0].frames[0];
    assert_eq!(join["event"], "phx_join");
    assert_eq!(join["topic"], "realtime:room1");
    assert_eq!(join["ref"], join["join_ref"]);
    assert_eq!(
        join["payload"],
        json!({"config": {"broadcast": {"ack": false, "self": false},
            "presence": {"key": "", "enabled": false}, "postgres_changes": [], "private": false}})
    );
    assert_eq!(c.channels().len(), 1);
}

#[tokio::test]
async fn postgres_changes_are_typed_and_routed_by_binding_id_and_event() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut b = c.channel("todos-changes").unwrap();
    let mut inserts = b
        .postgres_changes::<Todo>(
            PostgresChangesFilter::new(PostgresEvent::Insert, "public")
                .table("todos")
                .filter("id=eq.7"),
        )
        .unwrap();
    let mut all = b
        .postgres_changes::<Todo>(PostgresChangesFilter::new(PostgresEvent::All, "public"))
        .unwrap();
    let mut status = b.status();
    let _ch = b.subscribe().await.unwrap();
    assert_eq!(status.next().await, Some(ChannelStatus::Subscribed));
    let join = &mock.frames()[0];
    assert_eq!(
        join["payload"]["config"]["postgres_changes"],
        json!([{"event": "INSERT", "schema": "public", "table": "todos", "filter": "id=eq.7"},
               {"event": "*", "schema": "public"}])
    );
    // The system message arrives on the status stream.
    assert!(
        matches!(status.next().await, Some(ChannelStatus::System { status, .. }) if status == "ok")
    );

    // ids [2] is only the second binding; ids [1,2] both.
    let mut update = insert_push("realtime:todos-changes", "UPDATE");
    update["payload"]["ids"] = json!([1, 2]);
    assert!(mock.send(&update));
    let mut insert = insert_push("realtime:todos-changes", "INSERT");
    insert["payload"]["ids"] = json!([1, 2]);
    assert!(mock.send(&insert));

    let first = all.next().await.unwrap().unwrap();
    assert_eq!(first.kind, ChangeKind::Update);
    assert_eq!(first.old.as_ref().unwrap().title, "old");
    let second = all.next().await.unwrap().unwrap();
    assert_eq!(second.kind, ChangeKind::Insert);
    // The INSERT binding did not get the UPDATE.
    let only = inserts.next().await.unwrap().unwrap();
    assert_eq!(only.kind, ChangeKind::Insert);
    assert_eq!(
        only.new,
        Some(Todo {
            id: 7,
            done: true,
            title: "write tests".into()
        })
    );
    assert_eq!(only.old, None);
    assert_eq!(only.table, "todos");
}

#[tokio::test]
async fn a_binding_mismatch_is_a_channel_error() {
    let mock = RealtimeMock::start().await;
    mock.set_ws_responses(vec![json!({"event": "phx_join", "reply": {"status": "ok",
        "response": {"postgres_changes": [{"id": 1, "event": "UPDATE", "schema": "public"}]}}})]);
    let c = client(&mock);
    let mut b = c.channel("db").unwrap();
    let _s = b
        .postgres_changes::<Value>(PostgresChangesFilter::new(PostgresEvent::Insert, "public"))
        .unwrap();
    let err = b.subscribe().await.unwrap_err();
    assert!(
        matches!(err, RealtimeError::ChannelError { reason, .. } if reason.contains("mismatch"))
    );
    assert!(c.channels().is_empty());
}

#[tokio::test]
async fn join_error_gives_the_servers_reason() {
    let mock = RealtimeMock::start().await;
    mock.set_ws_responses(vec![
        json!({"event": "phx_join", "reply": {"status": "error",
        "response": {"reason": "Unauthorized: You do not have permissions"}}}),
    ]);
    let c = client(&mock);
    let mut b = c.channel("private-room").unwrap().private(true);
    let mut status = b.status();
    let err = b.subscribe().await.unwrap_err();
    assert!(matches!(&err, RealtimeError::ChannelError { reason, topic }
        if reason == "Unauthorized: You do not have permissions" && topic == "realtime:private-room"));
    assert!(matches!(
        status.next().await,
        Some(ChannelStatus::ChannelError { .. })
    ));
    assert_eq!(status.next().await, Some(ChannelStatus::Closed));
    assert_eq!(status.next().await, None);
    assert_eq!(mock.frames()[0]["payload"]["config"]["private"], true);
}

#[tokio::test]
async fn broadcast_with_ack_and_self_round_trips() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut b = c
        .channel("room1")
        .unwrap()
        .broadcast_self(true)
        .broadcast_ack(true);
    let mut msgs = b.broadcast("msg");
    let mut any = b.broadcast("*");
    let ch = b.subscribe().await.unwrap();
    ch.send_broadcast("msg", &json!({"text": "hi", "n": 1}))
        .await
        .unwrap();
    let m = msgs.next().await.unwrap();
    assert_eq!(
        m.payload,
        BroadcastPayload::Json(json!({"text": "hi", "n": 1}))
    );
    assert_eq!(any.next().await.unwrap().event, "msg");
    let frames = mock.frames();
    assert_eq!(frames[1]["format"], "binary");
    assert_eq!(frames[1]["kind"], "user_broadcast_push");
    assert_eq!(frames[1]["join_ref"], frames[0]["join_ref"]);
    // A JSON broadcast from the server and a binary one.
    mock.send(&json!({"topic": "realtime:room1", "event": "broadcast",
        "payload": {"type": "broadcast", "event": "msg", "payload": {"x": 2}}}));
    mock.send(&json!({"binary": "user_broadcast", "topic": "realtime:room1", "event": "msg", "payload_base64": "AAE="}));
    assert_eq!(
        msgs.next().await.unwrap().decode::<Value>().unwrap(),
        json!({"x": 2})
    );
    assert_eq!(
        msgs.next().await.unwrap().payload,
        BroadcastPayload::Binary(vec![0, 1])
    );
    ch.send_broadcast_bytes("msg", vec![1, 2, 3]).await.unwrap();
    assert_eq!(
        msgs.next().await.unwrap().payload,
        BroadcastPayload::Binary(vec![1, 2, 3])
    );
}

#[tokio::test]
async fn send_on_a_channel_that_is_not_joined_goes_over_http_through_the_service() {
    let mock = RealtimeMock::start().await;
    let user = jwt("u1", 4_102_444_800);
    let c = client(&mock)
        .with_token_provider(Arc::new(StaticTokenProvider::from_token(&user).unwrap()));
    let b = c.channel("room1").unwrap().private(true);
    b.send_broadcast("ev", &json!({"a": 1})).await.unwrap();
    let reqs = mock.http_requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].path, "/realtime/v1/api/broadcast");
    assert_eq!(
        reqs[0].query.as_deref(),
        Some(format!("apikey={KEY}&vsn=2.0.0").as_str())
    );
    let body: Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert_eq!(
        body,
        json!({"messages": [{"topic": "room1", "event": "ev", "payload": {"a": 1}, "private": true}]})
    );
    let auth = reqs[0]
        .headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .unwrap();
    assert_eq!(auth.1, format!("Bearer {user}"));
    assert!(mock.connections().is_empty());
}

#[tokio::test]
async fn presence_track_untrack_and_state() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut b = c.channel("lobby").unwrap().presence_key("user-1");
    let mut presence = b.presence();
    let ch = b.subscribe().await.unwrap();
    assert_eq!(presence.next().await, Some(PresenceEvent::Sync));
    ch.track(&json!({"status": "online"})).await.unwrap();
    assert!(
        matches!(presence.next().await, Some(PresenceEvent::Join { key, new, .. }) if key == "user-1" && new[0].presence_ref == "phx-ref-1")
    );
    assert_eq!(presence.next().await, Some(PresenceEvent::Sync));
    let state = ch.presence_state();
    assert_eq!(state["user-1"][0].payload["status"], "online");
    ch.untrack().await.unwrap();
    assert!(
        matches!(presence.next().await, Some(PresenceEvent::Leave { key, .. }) if key == "user-1")
    );
    assert_eq!(presence.next().await, Some(PresenceEvent::Sync));
    assert!(ch.presence_state().is_empty());
    assert!(ch.track(&json!([1])).await.is_err());
    let join = &mock.frames()[0];
    assert_eq!(
        join["payload"]["config"]["presence"],
        json!({"key": "user-1", "enabled": true})
    );
}

#[tokio::test]
async fn remove_channel_leaves_and_the_last_one_closes_the_socket() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut ba = c.channel("a").unwrap();
    let mut sa = ba.status();
    let a = ba.subscribe().await.unwrap();
    let b = c.channel("b").unwrap().subscribe().await.unwrap();
    c.remove_channel(&a).await.unwrap();
    assert_eq!(sa.next().await, Some(ChannelStatus::Subscribed));
    assert_eq!(sa.next().await, Some(ChannelStatus::Closed));
    assert_eq!(sa.next().await, None);
    assert_eq!(c.channels().len(), 1);
    mock.wait_frames(3).await;
    let leave = &mock.frames()[2];
    assert_eq!(
        (leave["event"].as_str(), leave["topic"].as_str()),
        (Some("phx_leave"), Some("realtime:a"))
    );
    assert_eq!(leave["join_ref"], mock.frames()[0]["join_ref"]);
    b.unsubscribe().await.unwrap();
    mock.wait_until(|c| c[0].closed).await;
    assert!(c.channels().is_empty());
}

#[tokio::test]
async fn a_server_phx_close_closes_the_channel() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut b = c.channel("room1").unwrap();
    let mut s = b.status();
    let ch = b.subscribe().await.unwrap();
    mock.send(&json!({"topic": "realtime:room1", "event": "phx_close", "join_ref": "$join_ref", "ref": "$join_ref", "payload": {}}));
    assert_eq!(s.next().await, Some(ChannelStatus::Subscribed));
    assert_eq!(s.next().await, Some(ChannelStatus::Closed));
    assert_eq!(ch.state(), ChannelState::Closed);
    assert!(c.channels().is_empty());
}

#[tokio::test]
async fn each_channel_carries_its_handles_token_on_one_socket() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let (alice_jwt, bob_jwt) = (jwt("alice", 4_102_444_800), jwt("bob", 4_102_444_800));
    let alice = c.with_token_provider(Arc::new(
        StaticTokenProvider::from_token(&alice_jwt).unwrap(),
    ));
    let bob = Switchable::new(Some(&bob_jwt));
    let bob_client = c.with_token_provider(bob.clone() as Arc<dyn TokenProvider>);
    let _anon = c.channel("anon").unwrap().subscribe().await.unwrap();
    let _a = alice.channel("a").unwrap().subscribe().await.unwrap();
    let _b = bob_client.channel("b").unwrap().subscribe().await.unwrap();
    assert_eq!(mock.connections().len(), 1);
    let f = mock.frames();
    assert!(f[0]["payload"].get("access_token").is_none());
    assert_eq!(f[1]["payload"]["access_token"], alice_jwt);
    assert_eq!(f[2]["payload"]["access_token"], bob_jwt);
    // Bob refreshes: only Bob's channel gets the new token, at once.
    let bob2 = jwt("bob", 4_102_444_801);
    bob.set(Some(&bob2));
    mock.wait_frames(4).await;
    let f = mock.frames();
    assert_eq!(f[3]["event"], "access_token");
    assert_eq!(f[3]["topic"], "realtime:b");
    assert_eq!(f[3]["payload"]["access_token"], bob2);
    // The same token again pushes nothing; a heartbeat re-reads and finds no change.
    bob.set(Some(&bob2));
    c.send_heartbeat().await.unwrap();
    mock.wait_frames(5).await;
    assert_eq!(mock.frames()[4]["event"], "heartbeat");
    // Sign-out: the project key is pushed, as realtime-js does.
    bob.set(None);
    mock.wait_frames(6).await;
    assert_eq!(mock.frames()[5]["payload"]["access_token"], KEY);
    assert_eq!(of_event(&mock.frames(), "access_token").len(), 2);
}

#[tokio::test]
async fn a_token_changed_while_joining_is_pushed_after_the_reply() {
    let mock = RealtimeMock::start().await;
    // The join is not answered until the test says so.
    mock.set_ws_responses(vec![json!({"event": "phx_join", "reply": null})]);
    let user = Switchable::new(Some("token-one"));
    let c = client(&mock).with_token_provider(user.clone() as Arc<dyn TokenProvider>);
    let join = tokio::spawn(async move { c.channel("room1").unwrap().subscribe().await });
    mock.wait_frames(1).await;
    user.set(Some("token-two"));
    // Still joining: nothing is pushed before the reply.
    mock.send(&json!({"topic": "realtime:room1", "event": "phx_reply", "join_ref": "$join_ref", "ref": "$join_ref",
        "payload": {"status": "ok", "response": {"postgres_changes": []}}}));
    let ch = join.await.unwrap().unwrap();
    mock.wait_frames(2).await;
    let f = mock.frames();
    assert_eq!(f[0]["payload"]["access_token"], "token-one");
    assert_eq!(f[1]["event"], "access_token");
    assert_eq!(f[1]["payload"]["access_token"], "token-two");
    assert_eq!(ch.state(), ChannelState::Joined);
}

#[tokio::test]
async fn an_expired_static_token_is_refused_before_sending() {
    let mock = RealtimeMock::start().await;
    let expired = jwt("u", 1_000);
    let c = client(&mock)
        .with_token_provider(Arc::new(StaticTokenProvider::from_token(&expired).unwrap()));
    let err = c.channel("room1").unwrap().subscribe().await.unwrap_err();
    assert!(matches!(
        err,
        RealtimeError::TokenExpired { expired_at: 1_000 }
    ));
    assert!(mock.frames().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_static_token_that_expires_while_joined_gets_an_event_at_the_heartbeat() {
    let mock = RealtimeMock::start().await;
    let clock = ManualClock::at(1_000);
    let token = jwt("u", 2_000);
    let c = RealtimeClient::with_options(&mock.url(), KEY, options(&mock).clock(clock.clone()))
        .unwrap()
        .with_token_provider(Arc::new(StaticTokenProvider::from_token(&token).unwrap()));
    let mut b = c.channel("room1").unwrap();
    let mut s = b.status();
    let _ch = b.subscribe().await.unwrap();
    assert_eq!(s.next().await, Some(ChannelStatus::Subscribed));
    clock.set(2_001);
    // The next heartbeat (25 s of paused time) re-reads the token and finds it expired.
    assert_eq!(
        s.next().await,
        Some(ChannelStatus::TokenExpired { expired_at: 2_000 })
    );
    assert_eq!(of_event(&mock.frames(), "access_token").len(), 0);
}

#[tokio::test(start_paused = true)]
async fn heartbeats_every_25s_and_a_re_read_token_is_pushed() {
    let mock = RealtimeMock::start().await;
    let user = Switchable::new(Some("t1"));
    let c = client(&mock).with_token_provider(user.clone() as Arc<dyn TokenProvider>);
    let start = tokio::time::Instant::now();
    let _ch = c.channel("room1").unwrap().subscribe().await.unwrap();
    user.set_quietly(Some("t2"));
    mock.wait_frames(3).await;
    let f = mock.frames();
    assert_eq!(f[1]["event"], "heartbeat");
    assert_eq!(f[1]["topic"], "phoenix");
    assert_eq!(f[1]["join_ref"], Value::Null);
    assert_eq!(f[2]["event"], "access_token");
    assert_eq!(f[2]["payload"]["access_token"], "t2");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(25) && elapsed < Duration::from_secs(26),
        "{elapsed:?}"
    );
    mock.wait_frames(4).await;
    assert_eq!(mock.frames()[3]["event"], "heartbeat");
    assert!(start.elapsed() >= Duration::from_secs(50));
    assert_eq!(mock.connections().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_unanswered_heartbeat_reconnects_and_rejoins_with_the_token() {
    let mock = RealtimeMock::start().await;
    mock.answer_heartbeats(false);
    let user = Switchable::new(Some("t1"));
    let c = client(&mock).with_token_provider(user.clone() as Arc<dyn TokenProvider>);
    let mut b = c.channel("room1").unwrap();
    let mut s = b.status();
    let _ch = b.subscribe().await.unwrap();
    assert_eq!(s.next().await, Some(ChannelStatus::Subscribed));
    user.set_quietly(Some("t2"));
    // 25 s: heartbeat (unanswered), 50 s: timeout, reconnect after 1 s, rejoin.
    assert_eq!(
        s.next().await,
        Some(ChannelStatus::Reconnecting {
            reason: "heartbeat timeout".into()
        })
    );
    assert_eq!(s.next().await, Some(ChannelStatus::Subscribed));
    let conns = mock.connections();
    assert_eq!(conns.len(), 2);
    assert!(conns[0].closed);
    let rejoin = &conns[1].frames[0];
    assert_eq!(rejoin["event"], "phx_join");
    assert_eq!(rejoin["payload"]["access_token"], "t2");
    assert_eq!(c.stats().connects, 2);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_socket_reconnects_with_backoff_and_rejoins_every_channel() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock)
        .with_token_provider(Arc::new(StaticTokenProvider::from_token("tok").unwrap()));
    let mut b1 = c.channel("one").unwrap();
    let mut s1 = b1.status();
    let mut inserts = b1
        .postgres_changes::<Todo>(PostgresChangesFilter::new(PostgresEvent::Insert, "public"))
        .unwrap();
    let _one = b1.subscribe().await.unwrap();
    let mut b2 = c.channel("two").unwrap();
    let mut s2 = b2.status();
    let _two = b2.subscribe().await.unwrap();
    assert_eq!(s1.next().await, Some(ChannelStatus::Subscribed));
    assert!(matches!(
        s1.next().await,
        Some(ChannelStatus::System { .. })
    ));
    assert_eq!(s2.next().await, Some(ChannelStatus::Subscribed));
    let t0 = tokio::time::Instant::now();
    mock.drop_sockets();
    assert!(matches!(
        s1.next().await,
        Some(ChannelStatus::Reconnecting { .. })
    ));
    assert!(matches!(
        s2.next().await,
        Some(ChannelStatus::Reconnecting { .. })
    ));
    assert_eq!(s1.next().await, Some(ChannelStatus::Subscribed));
    assert_eq!(s2.next().await, Some(ChannelStatus::Subscribed));
    assert!(t0.elapsed() >= Duration::from_secs(1));
    let conns = mock.connections();
    assert_eq!(conns.len(), 2);
    let topics: Vec<_> = conns[1]
        .frames
        .iter()
        .map(|f| {
            (
                f["event"].clone(),
                f["topic"].clone(),
                f["payload"]["access_token"].clone(),
            )
        })
        .collect();
    assert_eq!(
        topics,
        vec![
            (json!("phx_join"), json!("realtime:one"), json!("tok")),
            (json!("phx_join"), json!("realtime:two"), json!("tok")),
        ]
    );
    // The stream goes on after the rejoin, with the new binding ids.
    mock.send(&insert_push("realtime:one", "INSERT"));
    assert_eq!(inserts.next().await.unwrap().unwrap().new.unwrap().id, 7);
}

#[tokio::test]
async fn malformed_and_unknown_frames_are_typed_errors_and_the_socket_survives() {
    use tokio_tungstenite::tungstenite::Message;
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut b = c.channel("room1").unwrap();
    let mut s = b.status();
    let mut msgs = b.broadcast("msg");
    let mut changes = b
        .postgres_changes::<Todo>(PostgresChangesFilter::new(PostgresEvent::All, "public"))
        .unwrap();
    let _ch = b.subscribe().await.unwrap();
    assert_eq!(s.next().await, Some(ChannelStatus::Subscribed));
    assert!(matches!(s.next().await, Some(ChannelStatus::System { .. })));
    let before = c.stats().frames_handled;
    mock.send_raw(Message::Text("not json".into()));
    mock.send_raw(Message::Binary(vec![9, 9, 9].into()));
    mock.send_raw(Message::Text(r#"[null,null,"realtime:room1",5,{}]"#.into()));
    mock.send(
        &json!({"topic": "realtime:room1", "event": "postgres_changes", "payload": {"nope": 1}}),
    );
    mock.send(&json!({"topic": "realtime:room1", "event": "whatever", "payload": {}}));
    // A record that does not fit the caller's type.
    let mut bad = insert_push("realtime:room1", "INSERT");
    bad["payload"]["data"]["record"]["title"] = json!(5);
    mock.send(&bad);
    mock.send(&json!({"topic": "realtime:room1", "event": "broadcast", "payload": {"type": "broadcast", "event": "msg", "payload": {}}}));
    assert!(matches!(
        s.next().await,
        Some(ChannelStatus::Malformed { .. })
    ));
    assert!(matches!(
        s.next().await,
        Some(ChannelStatus::Malformed { .. })
    ));
    assert!(matches!(
        changes.next().await,
        Some(Err(RealtimeError::Protocol { .. }))
    ));
    assert!(matches!(
        changes.next().await,
        Some(Err(RealtimeError::Decode {
            what: "new record",
            ..
        }))
    ));
    assert_eq!(msgs.next().await.unwrap().event, "msg");
    let stats = c.wait_stats(|st| st.frames_handled >= before + 7).await;
    assert_eq!(stats.malformed_frames, 2);
    assert_eq!(c.stats().connects, 1);
}

#[tokio::test]
async fn a_thousand_channels_on_one_socket() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    let mut joins = Vec::new();
    for i in 0..1000 {
        let b = c.channel(&format!("room-{i}")).unwrap();
        joins.push(tokio::spawn(b.subscribe()));
    }
    let mut channels = Vec::new();
    for j in joins {
        channels.push(j.await.unwrap().unwrap());
    }
    assert_eq!(c.channels().len(), 1000);
    assert_eq!(mock.connections().len(), 1);
    let frames = mock.frames();
    assert_eq!(frames.len(), 1000);
    let refs: std::collections::HashSet<String> = frames
        .iter()
        .map(|f| f["ref"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(refs.len(), 1000);
    c.remove_all_channels().await.unwrap();
    assert!(c.channels().is_empty());
    mock.wait_until(|c| c[0].closed).await;
    assert_eq!(of_event(&mock.frames(), "phx_leave").len(), 1000);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let mock = RealtimeMock::start().await;
    let c = client(&mock);
    assert!(c.channel("").is_err());
    let mut b = c.channel("x").unwrap();
    assert!(
        b.postgres_changes::<Value>(PostgresChangesFilter::new(PostgresEvent::All, ""))
            .is_err()
    );
    assert!(
        b.postgres_changes::<Value>(
            PostgresChangesFilter::new(PostgresEvent::All, "public")
                .table("t")
                .filter("bad")
        )
        .is_err()
    );
    assert!(b.send_broadcast("", &json!({})).await.is_err());
    let _a = c.channel("dup").unwrap().subscribe().await.unwrap();
    assert!(matches!(
        c.channel("dup").unwrap().subscribe().await,
        Err(RealtimeError::DuplicateTopic { .. })
    ));
    assert_eq!(mock.frames().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn join_timeout_is_a_typed_outcome() {
    let mock = RealtimeMock::start().await;
    mock.set_ws_responses(vec![json!({"event": "phx_join", "reply": null})]);
    let c = RealtimeClient::with_options(
        &mock.url(),
        KEY,
        options(&mock).timeout(Duration::from_millis(50)),
    )
    .unwrap();
    let err = c.channel("room1").unwrap().subscribe().await.unwrap_err();
    assert!(matches!(err, RealtimeError::TimedOut { .. }));
    assert!(c.channels().is_empty());
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_errors() {
    let mock = RealtimeMock::start().await;
    let token = jwt("secret-user", 4_102_444_800);
    let c = client(&mock)
        .with_token_provider(Arc::new(StaticTokenProvider::from_token(&token).unwrap()));
    let ch = c.channel("room1").unwrap().subscribe().await.unwrap();
    let text = format!(
        "{c:?} {ch:?} {:?} {:?}",
        c.channel("x").unwrap(),
        RealtimeOptions::default()
    );
    assert!(!text.contains(KEY) && !text.contains(&token), "{text}");
    // A connection error names no URL (the URL carries the key).
    let dead = RealtimeClient::with_options(
        "http://127.0.0.1:1",
        KEY,
        RealtimeOptions::default().timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let err = dead
        .channel("room1")
        .unwrap()
        .subscribe()
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains(KEY));
}

/// The client's end of an in-memory socket whose reads wait while the gate is shut, so a test
/// can let the server's frames pile up in the buffer first, as a fast server's do in the
/// kernel's.
struct Gated {
    inner: tokio::io::DuplexStream,
    open: Arc<std::sync::atomic::AtomicBool>,
    waiting: Arc<std::sync::Mutex<Option<std::task::Waker>>>,
}

impl tokio::io::AsyncRead for Gated {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if !self.open.load(std::sync::atomic::Ordering::SeqCst) {
            *self.waiting.lock().unwrap() = Some(cx.waker().clone());
            return std::task::Poll::Pending;
        }
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Gated {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A burst of changes that arrived before the application reads them (all of it buffered,
/// as from a fast server): the socket task hands the reader its turn as it decodes (it does
/// not decode the whole burst first, holding every change in memory), and every change
/// arrives, in order.
#[tokio::test(start_paused = true)]
async fn a_burst_of_buffered_changes_is_handed_out_as_it_is_decoded() {
    const CHANGES: i64 = 2_000;
    let mock = RealtimeMock::start().await;
    let open = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let waiting = Arc::new(std::sync::Mutex::new(None::<std::task::Waker>));
    let connector = mock.in_memory();
    let (gate, parked) = (open.clone(), waiting.clone());
    let options = RealtimeOptions::default().connector(move || {
        let stream = Gated {
            inner: connector.connect(),
            open: gate.clone(),
            waiting: parked.clone(),
        };
        async move { Ok(stream) }
    });
    let c = RealtimeClient::with_options(&mock.url(), KEY, options).unwrap();
    let mut b = c.channel("burst").unwrap();
    let mut inserts = b
        .postgres_changes::<Todo>(PostgresChangesFilter::new(PostgresEvent::Insert, "public"))
        .unwrap();
    let mut status = b.status();
    let _ch = b.subscribe().await.unwrap();
    assert_eq!(status.next().await, Some(ChannelStatus::Subscribed));
    assert!(matches!(
        status.next().await,
        Some(ChannelStatus::System { .. })
    ));
    let frames_before = c.stats().frames_handled;
    // Shut the gate, let the mock write the whole burst (the paused clock moves on only once
    // every task is idle: the mock has written all of it), then open it.
    open.store(false, std::sync::atomic::Ordering::SeqCst);
    for id in 0..CHANGES {
        let mut push = insert_push("realtime:burst", "INSERT");
        push["payload"]["data"]["record"]["id"] = json!(id.to_string());
        assert!(mock.send(&push));
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    open.store(true, std::sync::atomic::Ordering::SeqCst);
    if let Some(waker) = waiting.lock().unwrap().take() {
        waker.wake();
    }
    let mut most_ahead = 0;
    for id in 0..CHANGES {
        let change = inserts.next().await.unwrap().unwrap();
        assert_eq!(change.new.unwrap().id, id);
        // Frames the socket task has decoded that the reader has not taken yet.
        let handled = c.stats().frames_handled - frames_before;
        most_ahead = most_ahead.max(handled.saturating_sub(id as u64 + 1));
    }
    // Tokio's budget is 128 units a turn: a few hundred ahead at most, not the whole burst.
    assert!(
        most_ahead < 500,
        "the socket task got {most_ahead} changes ahead of the reader"
    );
}
