// The Realtime bench's realtime-js client (`supabase-bench/benches/realtime.rs` runs it):
// @supabase/realtime-js (the one supabase-js 2.119.1 pins) against the bench's websocket
// server, one process (one thread of JavaScript) per run. Run with the folder where
// supabase-js is installed as the working directory (the modules are resolved from there):
//
//   node --expose-gc realtime.cjs throughput <ws url> <messages>
//   node --expose-gc realtime.cjs memory <ws url> <channels>
//
// throughput: joins channel `todos` with one postgres_changes INSERT binding on public.todos
// and counts the callbacks until <messages> have arrived; prints
// {"messages","seconds","idsum","bad","rss","max_rss"} (bytes; max_rss: the process's peak
// resident set), seconds from the first callback to the last.
// memory: joins a warm-up channel, then <channels> channels one after the other (each with
// one binding), forcing a GC before each count; prints the heap used and resident set
// before and after.
'use strict';
const path = require('path');
const requireHere = require('module').createRequire(path.join(process.cwd(), 'bench.cjs'));
const { RealtimeClient } = requireHere('@supabase/realtime-js');
// Node 20 has no global WebSocket: realtime-js takes the class as `transport`.
const WebSocket = requireHere('ws');

const [mode, url, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!['throughput', 'memory'].includes(mode) || !url || !(count > 0)) {
  console.error('usage: realtime.cjs throughput|memory <ws url> <count>');
  process.exit(2);
}
const FILTER = { event: 'INSERT', schema: 'public', table: 'todos' };
const client = new RealtimeClient(url, { params: { apikey: 'anon-key' }, transport: WebSocket });

function fail(why) {
  console.error(`realtime.cjs: ${why}`);
  process.exit(1);
}
setTimeout(() => fail('timed out after 300 s'), 300_000);

function subscribed(channel) {
  return new Promise((resolve) => {
    channel.subscribe((status, err) => {
      if (status === 'SUBSCRIBED') resolve();
      else fail(`channel ${channel.topic}: ${status} ${err ? err.message : ''}`);
    });
  });
}

// The process's peak resident set in bytes: VmHWM (this process's own memory since exec;
// `process.resourceUsage().maxRSS` is not, on Linux it starts from the parent's peak).
function peakRss() {
  try {
    const line = require('fs')
      .readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    return null;
  }
}

function gc() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
}

async function throughput() {
  let n = 0;
  let idsum = 0;
  let bad = 0;
  let first = 0n;
  const channel = client.channel('todos').on('postgres_changes', FILTER, (change) => {
    const t = process.hrtime.bigint();
    if (n === 0) first = t;
    const row = change.new;
    if (
      change.eventType !== 'INSERT' ||
      change.table !== 'todos' ||
      typeof row.id !== 'number' ||
      typeof row.done !== 'boolean' ||
      typeof row.title !== 'string' ||
      !Array.isArray(row.tags)
    ) {
      bad += 1;
    }
    idsum += row.id;
    n += 1;
    if (n === count) {
      const seconds = Number(t - first) / 1e9;
      console.log(
        JSON.stringify({
          messages: n,
          seconds,
          idsum,
          bad,
          rss: process.memoryUsage().rss,
          max_rss: peakRss(),
        }),
      );
      process.exit(0);
    }
  });
  await subscribed(channel);
}

async function memory() {
  await subscribed(client.channel('mem-warm').on('postgres_changes', FILTER, () => {}));
  const held = new Array(count);
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) {
    const channel = client.channel(`mem-${i}`).on('postgres_changes', FILTER, () => {});
    await subscribed(channel);
    held[i] = channel;
  }
  gc();
  const after = process.memoryUsage();
  console.log(
    JSON.stringify({
      channels: held.length,
      gc: Boolean(global.gc),
      heap_before: before.heapUsed,
      heap_after: after.heapUsed,
      rss_before: before.rss,
      rss_after: after.rss,
    }),
  );
  process.exit(0);
}

(mode === 'throughput' ? throughput() : memory()).catch((e) => fail(e.stack || String(e)));
