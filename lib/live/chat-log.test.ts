import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../protocol";
import { CHAT_LOG_MAX, EMPTY_CHAT_LOG, withDeleted, withHistory, withMessages } from "./chat-log";

const EVENT = "6d9f4c1e-1111-4222-8333-444455556666";
const msg = (n: number, ts = n * 1_000): ChatMessage => ({
  id: `m${String(n).padStart(4, "0")}`,
  eventId: EVENT,
  user: { id: "u", name: "Ann" },
  text: `#${n}`,
  ts,
});
const ids = (log: { messages: ChatMessage[] }) => log.messages.map((m) => m.id);

describe("chat log", () => {
  it("merges live messages in order, each id once", () => {
    const log = withMessages(withMessages(EMPTY_CHAT_LOG, [msg(2), msg(1)]), [msg(2), msg(3)]);
    expect(ids(log)).toEqual(["m0001", "m0002", "m0003"]);
  });

  it("keeps the newest CHAT_LOG_MAX messages", () => {
    const log = withMessages(
      EMPTY_CHAT_LOG,
      Array.from({ length: CHAT_LOG_MAX + 5 }, (_, i) => msg(i)),
    );
    expect(log.messages).toHaveLength(CHAT_LOG_MAX);
    expect(log.messages[0]?.id).toBe("m0005");
  });

  it("a deleted message never returns, whether echoed live or in a history read before the delete", () => {
    let log = withMessages(EMPTY_CHAT_LOG, [msg(1), msg(2)]);
    log = withDeleted(log, "m0002");
    expect(ids(log)).toEqual(["m0001"]);
    expect(ids(withMessages(log, [msg(2)]))).toEqual(["m0001"]);
    expect(ids(withHistory(log, [msg(1), msg(2)], 50))).toEqual(["m0001"]);
  });

  it("a history read drops held messages it no longer has (deleted while away) and keeps newer live ones", () => {
    const held = withMessages(EMPTY_CHAT_LOG, [msg(1), msg(2), msg(3), msg(9)]);
    // Read after 2 was deleted and before 9 was posted.
    expect(ids(withHistory(held, [msg(1), msg(3), msg(4)], 50))).toEqual(["m0001", "m0003", "m0004", "m0009"]);
  });

  it("a full history does not speak for what is older than its first message", () => {
    const held = withMessages(EMPTY_CHAT_LOG, [msg(1), msg(2), msg(3)]);
    expect(ids(withHistory(held, [msg(3), msg(4)], 2))).toEqual(["m0001", "m0002", "m0003", "m0004"]);
    // Not full: it is the whole chat, so 1 and 2 are gone.
    expect(ids(withHistory(held, [msg(3), msg(4)], 50))).toEqual(["m0003", "m0004"]);
  });

  it("an empty history means the chat is empty", () => {
    expect(ids(withHistory(withMessages(EMPTY_CHAT_LOG, [msg(1)]), [], 50))).toEqual([]);
    // …but not one that arrived live while that (empty) history was being read
    expect(ids(withHistory(withMessages(EMPTY_CHAT_LOG, [msg(1)]), [], 50, new Set([msg(1).id])))).toEqual(["m0001"]);
  });

  it("unchanged input gives back the same value, so React skips the render", () => {
    const log = withMessages(EMPTY_CHAT_LOG, [msg(1)]);
    expect(withMessages(log, [msg(1)])).toBe(log);
  });
});
