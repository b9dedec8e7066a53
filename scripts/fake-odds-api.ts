import { startFakeOddsApi } from "../lib/feed/odds-api/fake/server";

/**
 * A local The Odds API v4 for demos: `npm run fake-odds-api [port]`. Prints where it listens and
 * the key it accepts; Ctrl-C stops it. docs/odds-source.md, "The fake", lists the control API.
 */
async function main() {
  const port = Number(process.argv[2] ?? 0);
  const fake = await startFakeOddsApi({ port: Number.isInteger(port) ? port : 0 });
  console.log(`fake Odds API listening on ${fake.url}`);
  console.log(`accepts apiKey=${fake.apiKey}`);
  console.log(`try: curl '${fake.url}/v4/sports/soccer_epl/odds?apiKey=${fake.apiKey}&regions=uk&markets=h2h'`);
  console.log(`control: ${fake.url}/__fake/stats, POST ${fake.url}/__fake/faults {"mode":"rate_limit","count":1,"retryAfterSec":5}`);
  const stop = () => void fake.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main();
