import { runMain } from "../lib/process";
import { stopStack } from "./local-stack";

/** `npm stop`: stops what `npm start` started in this checkout, and nothing else. */
runMain(async () => {
  await stopStack((line) => console.log(line));
  console.log("Live Odds is stopped.");
});
