export * from "./names";
export * from "./odds";
export * from "./changes";
export * from "./messages";
export * from "./bus";
export * from "./auth";
export * from "./state-read";
export * from "./bets";
