// The side-by-side's supabase-js client (issue 17): the workloads of
// `supabase-bench/src/bin/load.rs`, same query, same output line. `cargo xtask bench`
// installs @supabase/supabase-js (pinned) next to a copy of this file and runs it with the
// machine's Node, one process (one thread of JavaScript) per run.
//
//   node load.cjs <workload> <url> [--warmup s] [--seconds s]
'use strict';
const { createClient } = require('@supabase/supabase-js');
// supabase-js 2.119 wants a WebSocket class for Realtime, which Node 20 lacks: `ws`, as its
// message suggests (never connected here; no channel is opened).
const WebSocket = require('ws');

const ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0';
const USERS = 1024;
const SELECT = 'id,user_id,title,done,inserted_at';

const WORKLOADS = {
  seq: { inFlight: 1, table: 'todos', rows: 10, limit: 20 },
  in64: { inFlight: 64, table: 'todos', rows: 10, limit: 20 },
  user64: { inFlight: 64, table: 'todos', rows: 10, limit: 20, perUser: true },
  rows16: { inFlight: 16, table: 'todos_large', rows: 1000, limit: 1000 },
  session64: { inFlight: 64, table: 'todos', rows: 10, limit: 20, session: true },
};

// The same tokens as `supabase_bench::fixtures::user_jwt`; user 0's is the fixed token.
function userJwt(i) {
  const n = String(i).padStart(12, '0');
  const sub = `00000000-0000-4000-8000-${n}`;
  const payload =
    `{"aud":"authenticated","exp":4102444800,"iat":1704067200,` +
    `"iss":"http://127.0.0.1:54321/auth/v1","sub":"${sub}",` +
    `"email":"user${i}@example.com","phone":"",` +
    `"app_metadata":{"provider":"email","providers":["email"]},` +
    `"user_metadata":{"email":"user${i}@example.com","email_verified":true,` +
    `"phone_verified":false,"sub":"${sub}"},` +
    `"role":"authenticated","aal":"aal1",` +
    `"amr":[{"method":"password","timestamp":1704067200}],` +
    `"session_id":"00000000-0000-4000-8000-${n}","is_anonymous":false}`;
  const b64 = (s) => Buffer.from(s).toString('base64url');
  return [
    b64('{"alg":"HS256","kid":"bench","typ":"JWT"}'),
    b64(payload),
    Buffer.alloc(32, 7).toString('base64url'),
  ].join('.');
}

const NO_SESSION = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false };

function scoped(url, jwt) {
  // The documented server pattern: a client per request, the user's JWT as a global header.
  return createClient(url, ANON_KEY, {
    auth: NO_SESSION,
    realtime: { transport: WebSocket },
    global: { headers: { Authorization: `Bearer ${jwt}` } },
  });
}

async function main() {
  const args = process.argv.slice(2);
  const [name, url] = args;
  const option = (flag, d) => {
    const k = args.indexOf(flag);
    return k >= 0 ? Number(args[k + 1]) : d;
  };
  const warmUp = option('--warmup', 0.3);
  const measure = option('--seconds', 1.0);
  const w = WORKLOADS[name];
  if (!w) throw new Error(`unknown workload ${name}`);

  let shared;
  let users = [];
  if (w.perUser) {
    users = Array.from({ length: USERS }, (_, i) => userJwt(i));
  } else if (w.session) {
    // A client signed in through the mock Auth server (`POST /auth/v1/token`), the session
    // kept in supabase-js's memory storage; each request reads it through `getSession`.
    shared = createClient(url, ANON_KEY, {
      auth: { autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket },
    });
    const { error } = await shared.auth.signInWithPassword({
      email: 'bench@example.com',
      password: 'bench-password',
    });
    if (error) throw error;
    const { data } = await shared.auth.getSession();
    if (!data.session) throw new Error('no session after sign-in');
  } else {
    shared = scoped(url, userJwt(0));
  }

  const one = async (i) => {
    const db = w.perUser ? scoped(url, users[i % USERS]) : shared;
    const { data, error } = await db
      .from(w.table)
      .select(SELECT)
      .eq('user_id', '42')
      .eq('done', 'false')
      .eq('title', 'buy milk')
      .order('inserted_at', { ascending: false })
      .limit(w.limit);
    if (error) throw new Error(`select failed: ${JSON.stringify(error)}`);
    if (data.length !== w.rows) throw new Error(`expected ${w.rows} rows, got ${data.length}`);
  };

  let stop = false;
  let done = 0;
  const worker = async (k) => {
    for (let i = k; !stop; i += w.inFlight) {
      await one(i);
      done += 1;
    }
  };
  const workers = Array.from({ length: w.inFlight }, (_, k) => worker(k));
  const sleep = (s) => new Promise((r) => setTimeout(r, s * 1000));
  await sleep(warmUp);
  const c0 = done;
  const t0 = performance.now();
  await sleep(measure);
  const c1 = done;
  const t1 = performance.now();
  stop = true;
  await Promise.all(workers);
  const seconds = (t1 - t0) / 1000;
  const requests = c1 - c0;
  process.stdout.write(
    JSON.stringify({ client: 'supabase-js', workload: name, requests, seconds, rps: requests / seconds }) + '\n',
  );
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
