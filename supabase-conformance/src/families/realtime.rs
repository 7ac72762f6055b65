//! Realtime cases (`rt_*`, v1 `from(table).on(event).subscribe()`): channels, broadcast,
//! presence, postgres changes, socket options and tokens, against
//! `supabase_test_support::realtime_mock::RealtimeMock` answering as the README's "Realtime"
//! section says (and the case's `ws_responses`).
//!
//! The client is made as the façade makes its Realtime client (`RealtimeClient` over a
//! `realtime/v1` service of the façade's transport: same project key, headers and pool),
//! with the options the façade has no setter for: the case's `realtime.params` /
//! `realtime.logLevel`, and a connector that opens an in-memory connection to the mock (the
//! websocket handshake, path and query included, still runs over it). HTTP (auth requests,
//! the broadcast REST fallback) goes to the case's mock project and is compared like any
//! other request.
//!
//! Tokens: auth statements run through the façade's Auth client (`signInWithPassword`,
//! `refreshSession`, …) and v1 `setAuth` through `Client::set_auth`; after each one the
//! channels' token becomes the façade client value's token (its token source: session,
//! override, `accessToken` option), with the change signal the Realtime client listens to,
//! as the façade's session provider does. `realtime.setAuth(jwt)` sets that token directly.
//!
//! After the ops the family waits until the socket is quiet (the golden's frame count, with
//! a bound), notes which sockets closed, and returns the sockets in golden form (`path`,
//! `query`, `headers`, `frames` with `<ref:N>` placeholders, `closed.during_ops`); the runner
//! compares them as the README says.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use supabase::Client;
use supabase::realtime::{
    BroadcastStream, ChannelBuilder, PostgresChangesFilter, PostgresEvent, PresenceEvent,
    PresenceStream, RealtimeChannel, RealtimeClient, RealtimeOptions,
};
use supabase::supabase_core::{
    AccessToken, Error as CoreError, Service, TokenChangeSender, TokenChanges, TokenProvider,
    async_trait,
};
use supabase_test_support::realtime_mock::RealtimeMock;

use crate::family::{BoxFuture, Family, RunOutput, Server, StatementOutcome};
use crate::golden::{Case, Statement};
use crate::oj::Oj;

/// The realtime family.
pub struct Realtime;

const REALTIME_CLIENT_OPS: &[&str] = &[
    "channel",
    "getChannels",
    "removeChannel",
    "removeAllChannels",
    "getSubscriptions",
    "removeSubscription",
    "removeAllSubscriptions",
];

/// Any channel, realtime, runner-wait or server-send op, `.on()` / `.subscribe()`, a realtime
/// `client.*` call, or recorded websockets.
pub(crate) fn is_realtime(case: &Case) -> bool {
    let statements = case.statements().unwrap_or_default();
    statements.iter().any(|s| {
        matches!(
            s.kind.as_str(),
            "channel" | "realtime" | "ref" | "until" | "server_send"
        ) || (s.kind == "client" && s.name().is_some_and(|n| REALTIME_CLIENT_OPS.contains(&n)))
    }) || case.has_call("on")
        || case.has_call("subscribe")
        || case.case.get("ws_responses").is_some_and(|w| !w.is_null())
        || !case.websockets.is_empty()
}

impl Family for Realtime {
    fn name(&self) -> &'static str {
        "realtime"
    }
    fn claims(&self, case: &Case) -> bool {
        matches!(case.client.as_str(), "v1" | "v2") && is_realtime(case)
    }
    fn run(&self, case: Arc<Case>, server: Server) -> BoxFuture<Result<RunOutput, String>> {
        Box::pin(run(case, server))
    }
    fn time_limit(&self, _case: &Case) -> Duration {
        Duration::from_secs(45)
    }
}

/// The channels' token: set by the family, with the change signal.
#[derive(Debug)]
struct Tokens {
    token: Mutex<Option<String>>,
    signal: TokenChangeSender,
}

impl Tokens {
    fn set(&self, token: Option<String>) {
        if let Ok(mut t) = self.token.lock() {
            *t = token;
        }
        self.signal.notify();
    }
    fn get(&self) -> Option<String> {
        self.token.lock().ok().and_then(|t| t.clone())
    }
}

#[async_trait]
impl TokenProvider for Tokens {
    async fn access_token(&self) -> Result<Option<AccessToken>, CoreError> {
        self.get().map(AccessToken::new).transpose()
    }
    fn changes(&self) -> Option<TokenChanges> {
        Some(self.signal.subscribe())
    }
}

/// How long one wait on the socket may take (the waits are on events; this only bounds a
/// case whose expected event never comes).
const WAIT: Duration = Duration::from_secs(5);

async fn bounded<T>(what: &str, f: impl std::future::Future<Output = T>) -> Result<T, String> {
    tokio::time::timeout(WAIT, f)
        .await
        .map_err(|_| format!("waited {WAIT:?} for {what}"))
}

struct Env {
    mock: RealtimeMock,
    facade: Client,
    client: RealtimeClient,
    tokens: Arc<Tokens>,
    case: Arc<Case>,
}

#[allow(clippy::large_enum_variant)]
enum Target {
    None,
    Builder(ChannelBuilder),
    Channel(RealtimeChannel),
}

#[derive(Default)]
struct Listeners {
    broadcast: HashMap<String, BroadcastStream>,
    presence: Option<PresenceStream>,
    syncs: usize,
    /// `$callback` name → presence event.
    presence_callbacks: HashMap<String, String>,
    /// The table of the v1 `from(table)` being built.
    v1_table: Option<String>,
}

fn realtime_options(case: &Case) -> Result<RealtimeOptions, String> {
    let mut options = RealtimeOptions::default();
    let Some(rt) = case.options().get("realtime") else {
        return Ok(options);
    };
    let rt = rt.as_object().ok_or("realtime is not an object")?;
    for (k, v) in rt {
        match k.as_str() {
            "params" => {
                for (name, value) in v.as_object().ok_or("realtime.params is not an object")? {
                    let value = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    options = options.param(name, value);
                }
            }
            "logLevel" => {
                options = options.log_level(v.as_str().ok_or("realtime.logLevel")?);
            }
            other => return Err(format!("unknown client option realtime.{other}")),
        }
    }
    Ok(options)
}

async fn run(case: Arc<Case>, server: Server) -> Result<RunOutput, String> {
    let statements = case.statements()?;
    let mut out = RunOutput::default();
    let facade = match super::facade::builder(&case, &server)?.build() {
        Ok(c) => c,
        Err(e) => {
            out.setup_error = Some(e.to_string());
            return Ok(out);
        }
    };
    let mock = RealtimeMock::start().await;
    if let Some(r) = case.case.get("ws_responses").and_then(Value::as_array) {
        mock.set_ws_responses(r.clone());
    }
    let connector = mock.in_memory();
    let options = realtime_options(&case)?.connector(move || {
        let stream = connector.connect();
        async move { Ok(stream) }
    });
    let endpoint = facade
        .config()
        .endpoint("realtime/v1")
        .map_err(|e| e.to_string())?;
    let service =
        Service::new(facade.transport().clone(), endpoint.as_str()).map_err(|e| e.to_string())?;
    let tokens = Arc::new(Tokens {
        token: Mutex::new(None),
        signal: TokenChangeSender::new(),
    });
    let client = RealtimeClient::from_service_with(service, options)
        .map_err(|e| e.to_string())?
        .with_token_provider(Arc::clone(&tokens) as Arc<dyn TokenProvider>);
    let mut env = Env {
        mock,
        facade,
        client,
        tokens,
        case: Arc::clone(&case),
    };
    env.tokens.set(facade_token(&env.facade).await?);
    let outcome = interpret(&mut env, &statements).await;
    let statements_out = match outcome {
        Ok(s) => s,
        Err(e) => {
            shut_down(env).await;
            return Err(e);
        }
    };
    out.statements = statements_out;
    // Quiet: every frame the golden has (a missing one is then reported by the comparison).
    let expected: usize = case
        .websockets
        .iter()
        .map(|w| w["frames"].as_array().map_or(0, Vec::len))
        .sum();
    // Sockets the golden saw closed during the ops: wait for their close too (the mock records
    // it when its read loop ends, which can come after the last frame on a loaded machine).
    let closes: Vec<usize> = case
        .websockets
        .iter()
        .enumerate()
        .filter(|(_, w)| w["closed"]["during_ops"] == Value::Bool(true))
        .map(|(i, _)| i)
        .collect();
    // The bounds only cost time when the case is failing anyway (fewer frames, no close).
    let _ = tokio::time::timeout(QUIET_WAIT, env.mock.wait_frames(expected)).await;
    let _ = tokio::time::timeout(
        QUIET_WAIT,
        env.mock.wait_until(|conns| {
            closes
                .iter()
                .all(|&i| conns.get(i).is_some_and(|c| c.closed))
        }),
    )
    .await;
    out.websockets = Some(sockets(&env.mock));
    shut_down(env).await;
    Ok(out)
}

/// How long the runner waits for the frames and closes a golden expects before it compares
/// what it has.
const QUIET_WAIT: Duration = Duration::from_secs(10);

/// Disconnects (not part of the case).
async fn shut_down(env: Env) {
    let _ = tokio::time::timeout(WAIT, env.client.remove_all_channels()).await;
    drop(env);
}

/// The token the façade client value sends as its bearer, `None` for the project key.
async fn facade_token(facade: &Client) -> Result<Option<String>, String> {
    let token = facade
        .token_provider()
        .access_token()
        .await
        .map_err(|e| e.to_string())?;
    Ok(token.map(|t| t.expose().to_owned()))
}

/// The sockets the mock saw, in golden form; refs become `<ref:N>` by first appearance over
/// the case's client frames.
fn sockets(mock: &RealtimeMock) -> Vec<Value> {
    let mut table: HashMap<String, usize> = HashMap::new();
    let mut placeholder = |v: &Value| -> Value {
        match v {
            Value::Null => Value::Null,
            other => {
                let raw = other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned);
                let n = table.len() + 1;
                json!(format!("<ref:{}>", table.entry(raw).or_insert(n)))
            }
        }
    };
    mock.connections()
        .into_iter()
        .map(|c| {
            let frames: Vec<Value> = c
                .frames
                .iter()
                .map(|f| {
                    let mut f = f.clone();
                    let join_ref = placeholder(&f["join_ref"]);
                    let msg_ref = placeholder(&f["ref"]);
                    if f.get("join_ref").is_some() {
                        f["join_ref"] = join_ref;
                    }
                    if f.get("ref").is_some() {
                        f["ref"] = msg_ref;
                    }
                    f
                })
                .collect();
            json!({
                "path": c.path,
                "query": c.query,
                "headers": c.headers,
                "frames": frames,
                "closed": {"during_ops": c.closed},
            })
        })
        .collect()
}

async fn interpret(
    env: &mut Env,
    statements: &[Statement],
) -> Result<Vec<StatementOutcome>, String> {
    let mut saved: HashMap<String, RealtimeChannel> = HashMap::new();
    let mut listeners = Listeners::default();
    let mut out = Vec::new();
    for st in statements {
        let mut target = Target::None;
        match st.kind.as_str() {
            "channel" => {
                let name = st.name().ok_or("channel without a name")?;
                target = Target::Builder(channel(env, name, st.args.first())?);
            }
            // v1: `from(table)` is a postgres_changes channel on `realtime:public:<table>`.
            "from" => {
                let table = st.name().ok_or("from without a table")?;
                target = Target::Builder(
                    env.client
                        .channel(&format!("public:{table}"))
                        .map_err(|e| e.to_string())?,
                );
                listeners.v1_table = Some(table.to_owned());
            }
            "ref" => {
                let name = st.name().ok_or("ref without a name")?;
                let ch = saved
                    .get(name)
                    .ok_or_else(|| format!("ref {name}: no subscribed channel of that name"))?;
                target = Target::Channel(ch.clone());
            }
            "realtime" => {
                if !st.calls.is_empty() {
                    return Err(format!(
                        "unknown op realtime.{}()",
                        st.name().unwrap_or("?")
                    ));
                }
                match st.name() {
                    Some("setAuth") => {
                        let token = st.args.first().and_then(Oj::str).map(str::to_owned);
                        set_and_wait(env, token).await?;
                    }
                    Some("sendHeartbeat") => {
                        env.client
                            .send_heartbeat()
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    other => return Err(format!("unknown op realtime.{}", other.unwrap_or("?"))),
                }
            }
            "auth" => {
                let outcome =
                    super::facade::statement(&mut env.facade, &env.case.clone(), st).await?;
                out.push(outcome);
                let token = facade_token(&env.facade).await?;
                set_and_wait(env, token).await?;
                continue;
            }
            "client" => {
                client_op(env, st, &saved).await?;
            }
            "until" => {
                until(env, st, &mut listeners).await?;
            }
            "server_send" => {
                let m = st
                    .root
                    .get("server_send")
                    .ok_or("server_send without a message")?;
                let before = env.client.stats().frames_handled;
                if !env.mock.send(&m.value()) {
                    return Err("server_send: no open socket".into());
                }
                bounded(
                    "the client to handle the server's message",
                    env.client.wait_stats(|s| s.frames_handled > before),
                )
                .await?;
            }
            other => return Err(format!("unknown op {other} in a realtime case")),
        }
        for (method, args) in &st.calls {
            target = call(target, method, args, &mut listeners).await?;
        }
        if let (Some(name), Target::Channel(ch)) = (st.root.str_at("as"), &target) {
            saved.insert(name.to_owned(), ch.clone());
        }
        out.push(StatementOutcome::unchecked());
    }
    Ok(out)
}

fn channel(env: &Env, name: &str, options: Option<&Oj>) -> Result<ChannelBuilder, String> {
    let mut b = env.client.channel(name).map_err(|e| e.to_string())?;
    let Some(options) = options.filter(|o| !o.is_nullish()) else {
        return Ok(b);
    };
    for (key, value) in options
        .members()
        .ok_or("channel options are not an object")?
    {
        if key != "config" {
            return Err(format!("unknown channel option `{key}`"));
        }
        for (k, v) in value.members().ok_or("config is not an object")? {
            match k.as_str() {
                "broadcast" => {
                    for (bk, bv) in v.members().ok_or("config.broadcast")? {
                        let on = matches!(bv, Oj::Bool(true));
                        b = match bk.as_str() {
                            "self" => b.broadcast_self(on),
                            "ack" => b.broadcast_ack(on),
                            other => {
                                return Err(format!("unknown option config.broadcast.{other}"));
                            }
                        };
                    }
                }
                "presence" => {
                    for (pk, pv) in v.members().ok_or("config.presence")? {
                        b = match (pk.as_str(), pv) {
                            ("key", Oj::Str(key)) => b.presence_key(key),
                            ("enabled", Oj::Bool(on)) => b.presence_enabled(*on),
                            (other, _) => {
                                return Err(format!("unknown option config.presence.{other}"));
                            }
                        };
                    }
                }
                "private" => b = b.private(matches!(v, Oj::Bool(true))),
                other => return Err(format!("unknown channel option config.{other}")),
            }
        }
    }
    Ok(b)
}

/// Sets the channels' token; when a joined channel must get it (a new token), waits until
/// the socket pushed it (realtime-js pushes at once, the Rust socket at the change signal).
async fn set_and_wait(env: &Env, token: Option<String>) -> Result<(), String> {
    let before = env.mock.frames();
    let changed = env.tokens.get() != token;
    let joined = !env.client.channels().is_empty();
    env.tokens.set(token);
    if joined && changed {
        bounded(
            "the new token to be pushed",
            env.mock.wait_frames(before.len() + 1),
        )
        .await?;
    }
    Ok(())
}

async fn client_op(
    env: &Env,
    st: &Statement,
    saved: &HashMap<String, RealtimeChannel>,
) -> Result<(), String> {
    match st.name() {
        Some("removeChannel" | "removeSubscription") => {
            let name = st
                .args
                .first()
                .and_then(|a| a.str_at("$ref"))
                .ok_or("removeChannel without a $ref")?;
            let ch = saved
                .get(name)
                .ok_or_else(|| format!("removeChannel: no subscribed channel `{name}`"))?;
            env.client
                .remove_channel(ch)
                .await
                .map_err(|e| e.to_string())
        }
        Some("removeAllChannels" | "removeAllSubscriptions") => env
            .client
            .remove_all_channels()
            .await
            .map_err(|e| e.to_string()),
        Some("getChannels" | "getSubscriptions") => {
            let _ = env.client.channels();
            Ok(())
        }
        other => Err(format!("unknown op client.{}", other.unwrap_or("?"))),
    }
}

async fn until(env: &Env, st: &Statement, l: &mut Listeners) -> Result<(), String> {
    let u = st.root.get("until").ok_or("until without a condition")?;
    if let Some(n) = u.get("frames") {
        let n = usize::try_from(n.u64()?).map_err(|e| e.to_string())?;
        return bounded(&format!("{n} client frames"), env.mock.wait_frames(n)).await;
    }
    let Some(cb) = u.str_at("callback") else {
        return Err(format!("unknown until condition {}", u.compact()));
    };
    let count = match u.get("count") {
        Some(n) => usize::try_from(n.u64()?).map_err(|e| e.to_string())?,
        None => 1,
    };
    if let Some(s) = l.broadcast.get_mut(cb) {
        for _ in 0..count {
            bounded(&format!("callback {cb}"), s.next()).await?;
        }
    } else if l.presence_callbacks.get(cb).is_some_and(|e| e == "sync") {
        let presence = l.presence.as_mut().ok_or("no presence listener")?;
        while l.syncs < count {
            match bounded("a presence sync", presence.next()).await? {
                Some(PresenceEvent::Sync) => l.syncs += 1,
                Some(_) => {}
                None => break,
            }
        }
    }
    // Status callbacks: `subscribe` already waited for the join's answer.
    Ok(())
}

fn postgres_event(e: &str) -> PostgresEvent {
    match e {
        "INSERT" => PostgresEvent::Insert,
        "UPDATE" => PostgresEvent::Update,
        "DELETE" => PostgresEvent::Delete,
        _ => PostgresEvent::All,
    }
}

fn callback_name(args: &[Oj], i: usize) -> Result<String, String> {
    args.get(i)
        .and_then(|a| a.str_at("$callback"))
        .map(str::to_owned)
        .ok_or_else(|| format!("argument {i} is not a $callback"))
}

async fn call(
    target: Target,
    method: &str,
    args: &[Oj],
    l: &mut Listeners,
) -> Result<Target, String> {
    let arg = |i: usize| args.get(i).unwrap_or(&Oj::Null);
    Ok(match (target, method) {
        (Target::Builder(mut b), "on") => {
            let kind = arg(0).str().ok_or("on() without a type")?;
            match kind {
                "broadcast" => {
                    let event = arg(1).str_at("event").ok_or("broadcast without an event")?;
                    l.broadcast
                        .insert(callback_name(args, 2)?, b.broadcast(event));
                }
                "postgres_changes" => {
                    let f = arg(1);
                    let schema = f
                        .str_at("schema")
                        .ok_or("postgres_changes without a schema")?;
                    let mut filter = PostgresChangesFilter::new(
                        postgres_event(f.str_at("event").unwrap_or("*")),
                        schema,
                    );
                    if let Some(t) = f.str_at("table") {
                        filter = filter.table(t);
                    }
                    if let Some(x) = f.str_at("filter") {
                        filter = filter.filter(x);
                    }
                    // The stream is not read: the changes are not compared.
                    std::mem::forget(
                        b.postgres_changes::<Value>(filter)
                            .map_err(|e| e.to_string())?,
                    );
                }
                "presence" => {
                    if l.presence.is_none() {
                        l.presence = Some(b.presence());
                    }
                    let event = arg(1).str_at("event").ok_or("presence without an event")?;
                    l.presence_callbacks
                        .insert(callback_name(args, 2)?, event.to_owned());
                }
                // System messages reach the channel whether or not someone listens.
                "system" => {}
                v1 @ ("INSERT" | "UPDATE" | "DELETE" | "*") => {
                    let table = l
                        .v1_table
                        .clone()
                        .ok_or_else(|| format!("on({v1}) outside a v1 from(table)"))?;
                    std::mem::forget(
                        b.postgres_changes::<Value>(
                            PostgresChangesFilter::new(postgres_event(v1), "public").table(table),
                        )
                        .map_err(|e| e.to_string())?,
                    );
                }
                other => return Err(format!("unknown op on({other})")),
            }
            Target::Builder(b)
        }
        // CHANNEL_ERROR / TIMED_OUT are what the status callback saw: not a case failure.
        (Target::Builder(b), "subscribe") => match b.subscribe().await {
            Ok(ch) => Target::Channel(ch),
            Err(_) => Target::None,
        },
        (Target::Builder(b), "send") => {
            let (event, payload) = broadcast_args(arg(0))?;
            // The REST fallback's answer is not compared.
            let _ = b.send_broadcast(&event, &payload).await;
            Target::None
        }
        (Target::Channel(ch), "send") => {
            let (event, payload) = broadcast_args(arg(0))?;
            ch.send_broadcast(&event, &payload)
                .await
                .map_err(|e| e.to_string())?;
            Target::Channel(ch)
        }
        (Target::Channel(ch), "track") => {
            ch.track(arg(0)).await.map_err(|e| e.to_string())?;
            Target::Channel(ch)
        }
        (Target::Channel(ch), "untrack") => {
            ch.untrack().await.map_err(|e| e.to_string())?;
            Target::Channel(ch)
        }
        (Target::Channel(ch), "presenceState") => {
            let _ = ch.presence_state();
            Target::Channel(ch)
        }
        (Target::Channel(ch), "unsubscribe") => {
            ch.unsubscribe().await.map_err(|e| e.to_string())?;
            Target::Channel(ch)
        }
        (Target::None, other) => return Err(format!("unknown op .{other}() on no channel")),
        (_, other) => return Err(format!("unknown op .{other}() on a channel")),
    })
}

fn broadcast_args(message: &Oj) -> Result<(String, Oj), String> {
    if message.str_at("type").is_some_and(|t| t != "broadcast") {
        return Err(format!("send of type {}", message.compact()));
    }
    let event = message
        .str_at("event")
        .ok_or("send without an event")?
        .to_owned();
    Ok((event, message.get("payload").cloned().unwrap_or(Oj::Null)))
}
