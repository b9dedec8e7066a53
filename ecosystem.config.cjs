// PM2 apps of Live Odds. `npm start` uses this file with a project-local PM2_HOME; on a VPS run
// `pm2 start ecosystem.config.cjs` with the variables of README "Configuration" in the environment.
//
//   web        Next.js (the /sports page and /api routes) behind server.ts, which sets each request's
//              client address (X-Forwarded-For) from the socket, or from a trusted proxy (WEB_TRUST_PROXY);
//              WEB_INSTANCES > 1 runs it in cluster mode
//   ws-server  the Socket.IO relay (vps/server.ts); RELAY_INSTANCES > 1 runs it in cluster mode
//   publisher  a publisher candidate (one leader writes; extra instances are hot standbys)
//   feed       the odds source (ODDS_SOURCE): the built-in simulator, or The Odds API poller.
//              FEED_INSTANCES > 1 runs standbys: the one holding the producer's lease produces
//              (docs/odds-source.md, "One poller"). With the simulator, the process itself reads
//              SIMULATOR_ENABLED through the one flag parser (lib/env-parse.ts); when it is off,
//              it says so and exits 0, and PM2 leaves it stopped (stop_exit_codes) instead of
//              restarting it.

// The web app runs through tsx, started by a small launcher (PM2 itself would try ts-node).
const ts = (app) => ({ script: "scripts/pm2-ts.mjs", args: app, interpreter: "node", interpreter_args: "--import tsx" });
const common = { cwd: __dirname, time: false, merge_logs: true, kill_timeout: 8000, max_restarts: 50, exp_backoff_restart_delay: 200 };
// ws-server, publisher and feed run their bundles (`npm run build:apps` makes dist/; `npm start`
// and `npm run build` run it) with plain node: a relay killed with `kill -9` answers again in a
// fraction of the time tsx took to compile it (docs/relay.md, "Restart time"). `pmx: false`: PM2
// would otherwise load its metrics agent into each process before the app. PM2 waits
// exp_backoff_restart_delay before the first restart after a crash, then 1.5 times longer for
// each crash in a row (to 15 s; reset after 30 s up): 20 ms costs a single crash almost nothing,
// and a process that cannot start (Redis down) still backs off to one try every 15 s.
const compiled = (app) => ({ script: `dist/${app}.mjs`, interpreter: "node", pmx: false, ...common, exp_backoff_restart_delay: 20 });
// The relay's bundle is CommonJS, run with a V8 code cache kept beside it (scripts/run-bundle.cjs):
// a restart then skips compiling it (docs/relay.md, "Restart time").
const cached = (app) => ({ ...compiled(app), script: "scripts/run-bundle.cjs", args: `dist/${app}.cjs` });

// The variables each app reads, as `pm2 start` sees them now, pinned into the app's `env` (what
// `pm2 restart` reuses). This documents and fixes what each app takes; it hides nothing: PM2 also
// hands every app the rest of the environment `pm2 start` ran in. Each list is exactly its app's
// schema (scripts/configuration.test.ts checks it), less NODE_APP_INSTANCE, which PM2 sets for
// each instance itself.
const pass = (names) => Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]]));
// Read by every app (lib/env-shared.ts).
const shared = ["REDIS_URL", "RELAY_JWT_SECRET", "LOG_LEVEL", "LOG_FORMAT"];
// web, publisher and feed: one schema (lib/env.ts).
const server = pass([
  ...shared,
  "DATABASE_URL",
  "ADMIN_TOKEN",
  "RELAY_PUBLIC_URL",
  "RELAY_PORT",
  "RELAY_URL",
  // The web app's address (server.ts).
  "PORT",
  "HOST",
  "PUBLISHER_INTERVAL_MS",
  "PUBLISHER_AUTOSTART",
  "PUBLISHER_ON_COMMIT",
  "PUBLISHER_INSTANCE_ID",
  "PUBLISHER_LEADER_TTL_MS",
  // The publisher's own /metrics; PM2 gives each instance its NODE_APP_INSTANCE, added to the port.
  "PUBLISHER_METRICS_PORT",
  "PUBLISHER_METRICS_HOST",
  "ODDS_HISTORY_LENGTH",
  "ODDS_HISTORY_MAX_AGE_MS",
  "ODDS_MAX_DELTA_BYTES",
  "HOUSE_MARGIN",
  "POOL_LIQUIDITY",
  "MARGIN_METHOD",
  "SIMULATOR_ENABLED",
  "SIMULATOR_PRICE_UPDATES_PER_SEC",
  "SIMULATOR_BETS_PER_SEC",
  // Producer liveness: the publisher judges, the web app's status route reports.
  "PRODUCER_SILENCE_MS",
  "ODDS_SOURCE",
  "ODDS_API_KEY",
  "ODDS_API_BASE_URL",
  "ODDS_API_SPORTS",
  "ODDS_API_REGIONS",
  "ODDS_API_MARKETS",
  "ODDS_API_MONTHLY_CREDITS",
  "ODDS_API_MIN_INTERVAL_MS",
  "ODDS_API_BREAKER_FAILURES",
  "ODDS_API_BREAKER_COOLDOWN_MS",
  "ODDS_BOOK_MAX_AGE_MS",
  "FEED_LEADER_TTL_MS",
  "CHAT_RATE_MAX",
  "CHAT_RATE_WINDOW_MS",
  "SESSION_SECRET",
  "DEMO_BALANCE",
  "SIGNIN_MAX_FAILURES",
  "SIGNIN_MAX_FAILURES_PER_ADDRESS",
  "SIGNIN_WINDOW_MS",
  // Limits per account and per client address (docs/bets.md "Limits"), and whose address to believe.
  "SIGNIN_MAX_FAILURES_PER_ACCOUNT",
  "SIGNIN_MAX_ATTEMPTS_PER_ADDRESS",
  "SIGNUP_RATE_MAX_PER_ADDRESS",
  "SIGNUP_RATE_WINDOW_MS",
  "BET_RATE_MAX",
  "BET_RATE_MAX_PER_ADDRESS",
  "BET_RATE_WINDOW_MS",
  "RELAY_TOKEN_RATE_MAX",
  "RELAY_TOKEN_RATE_MAX_PER_ADDRESS",
  "RELAY_TOKEN_RATE_WINDOW_MS",
  "CHAT_RATE_MAX_PER_ADDRESS",
  "REPLAY_RATE_MAX_PER_ADDRESS",
  "REPLAY_RATE_WINDOW_MS",
  "WEB_TRUST_PROXY",
  "BET_MIN_STAKE",
  "BET_MAX_STAKE",
  "LIABILITY_LIMIT",
  "LARGE_BET_ALERT",
  "BET_INPLAY_DELAY_MS",
  "BET_INPLAY_DELAYS",
]);
// ws-server (vps/env.ts).
const relay = pass([
  ...shared,
  "RELAY_PORT",
  "RELAY_HOST",
  "RELAY_ALLOWED_ORIGINS",
  "RELAY_INSTANCE_ID",
  "RELAY_MAX_SUBSCRIPTIONS",
  "RELAY_RATE_PER_SEC",
  "RELAY_RATE_BURST",
  "RELAY_MAX_CONNECTIONS",
  "RELAY_MAX_CONNECTIONS_PER_IP",
  "RELAY_TRUST_PROXY",
  "RELAY_REPLAY_DELTAS",
  "RELAY_REPLAY_MAX_AGE_MS",
  "RELAY_COMPRESSION",
  "RELAY_COMPRESSION_THRESHOLD_BYTES",
  "RELAY_COMPRESSION_WINDOW_BITS",
  "RELAY_COMPRESSION_MEM_LEVEL",
  "RELAY_COMPRESSION_LEVEL",
  "RELAY_COMPRESSION_CONTEXT_TAKEOVER",
  "RELAY_SLOW_SOFT_BYTES",
  "RELAY_SLOW_HARD_BYTES",
  "RELAY_SLOW_MAX_MS",
  "RELAY_SLOW_GRACE_MS",
  "RELAY_STATS_INTERVAL_MS",
]);
// How many instances of an app PM2 runs: PM2 reads these itself, so they are checked here, with
// the bounds scripts/stack-env.ts gives them (the test checks that both agree), and a typo fails
// with its name. Every other variable is checked by the app that reads it.
const count = (name, max) => {
  const text = process.env[name] || "1";
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new Error(`${name} must be a whole number from 1 to ${max}, got "${text}"`);
  return Number(text);
};
const relayInstances = count("RELAY_INSTANCES", 64);
const webInstances = count("WEB_INSTANCES", 16);

module.exports = {
  apps: [
    {
      // In cluster mode the instances share PORT and each new connection goes to the next one.
      // Nothing ties a bettor to one: sessions, limits and the board live in Postgres and Redis,
      // and a session one instance ends is forgotten by the others through Redis (docs/bets.md).
      name: "web",
      ...ts("server.ts"),
      instances: webInstances,
      exec_mode: webInstances > 1 ? "cluster" : "fork",
      env: { ...server, NODE_ENV: "production" },
      ...common,
    },
    {
      // In cluster mode the instances share RELAY_PORT and each new connection goes to the next
      // one. Clients speak WebSocket only, so no sticky sessions are needed (docs/relay.md).
      name: "ws-server",
      ...cached("ws-server"),
      instances: relayInstances,
      exec_mode: relayInstances > 1 ? "cluster" : "fork",
      env: { ...relay, NODE_ENV: "production" },
    },
    {
      name: "publisher",
      ...compiled("publisher"),
      instances: count("PUBLISHER_INSTANCES", 16),
      exec_mode: "fork",
      env: { ...server, NODE_ENV: "production" },
    },
    {
      // Any number of feed processes: one produces, the others stand by (fork mode: each its own process).
      name: "feed",
      ...compiled("feed"),
      instances: count("FEED_INSTANCES", 16),
      exec_mode: "fork",
      env: { ...server, NODE_ENV: "production" },
      stop_exit_codes: [0],
    },
  ],
};
