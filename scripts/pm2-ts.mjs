// PM2 entry for our TypeScript apps: `script: "scripts/pm2-ts.mjs", args: "<app>.ts"`.
// Given a `.ts` script, PM2 tries to load ts-node and logs an error to the app's log when it is
// missing; our apps are already run through `--import tsx`, so they are started from here instead.
import path from "node:path";
import { pathToFileURL } from "node:url";

const [app] = process.argv.splice(2, 1);
if (!app) throw new Error("usage: node --import tsx scripts/pm2-ts.mjs <app.ts> [args…]");
await import(pathToFileURL(path.resolve(app)).href);
