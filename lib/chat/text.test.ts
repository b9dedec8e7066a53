import { describe, expect, it } from "vitest";
import { CHAT_TEXT_MAX } from "../protocol";
import { ChatPost, ChatText, normaliseChatText } from "./text";

const problem = (text: unknown) => ChatText.safeParse(text).error?.issues[0]?.message;

describe("chat text", () => {
  it("is trimmed, with line endings made \\n and control characters dropped", () => {
    expect(normaliseChatText("  hi\r\nthere\rall\u0007\u009b ")).toBe("hi\nthere\nall");
    expect(normaliseChatText("\ttabs\tstay\t")).toBe("tabs\tstay");
  });

  it("keeps markup as it was typed: it is shown, never interpreted", () => {
    expect(ChatText.parse(" <img src=x onerror=alert(1)> ")).toBe("<img src=x onerror=alert(1)>");
  });

  it("accepts 1 to 500 characters after trimming, and says which limit a text broke", () => {
    expect(ChatText.parse("a")).toBe("a");
    expect(ChatText.parse(`  ${"a".repeat(CHAT_TEXT_MAX)}  `)).toHaveLength(CHAT_TEXT_MAX);
    expect(problem("   \n\t ")).toBe("must not be empty");
    expect(problem("\u0000\u0001")).toBe("must not be empty");
    expect(problem("a".repeat(CHAT_TEXT_MAX + 1))).toBe("must be at most 500 characters");
    expect(problem(42)).toBe("must be a string");
  });

  it("counts UTF-16 units, as the wire schema does: 250 emoji fit, 251 do not", () => {
    expect(ChatText.safeParse("😀".repeat(250)).success).toBe(true);
    expect(problem("😀".repeat(251))).toBe("must be at most 500 characters");
  });

  it("the body is exactly { text }", () => {
    expect(ChatPost.safeParse({ text: "hi", extra: 1 }).success).toBe(false);
    expect(ChatPost.safeParse({}).error?.issues[0]?.path).toEqual(["text"]);
  });
});
