import { describe, expect, it } from "vitest";
import { redactSecret, redactUrl } from "./redaction";

describe("redactUrl", () => {
  it("masks the apiKey parameter wherever it sits", () => {
    expect(redactUrl("http://h/v4/sports?apiKey=abc123")).toBe("http://h/v4/sports?apiKey=***");
    expect(redactUrl("http://h/v4/sports/x/odds?regions=us&apiKey=abc123&markets=h2h")).toBe("http://h/v4/sports/x/odds?regions=us&apiKey=***&markets=h2h");
  });

  it("masks other spellings of the parameter", () => {
    expect(redactUrl("http://h/?APIKEY=abc&api_key=def")).toBe("http://h/?APIKEY=***&api_key=***");
  });

  it("leaves a URL without a key alone", () => {
    expect(redactUrl("http://h/v4/sports?all=true")).toBe("http://h/v4/sports?all=true");
  });
});

describe("redactSecret", () => {
  it("masks the key anywhere in a text", () => {
    const text = "fetch failed: connect ECONNREFUSED for s3cr3t-key (key s3cr3t-key)";
    expect(redactSecret(text, "s3cr3t-key")).not.toContain("s3cr3t-key");
  });

  it("masks the URL-encoded form of the key", () => {
    const key = "a+b/c=";
    const text = `GET /v4/sports?x=${encodeURIComponent(key)} and ${key}`;
    const out = redactSecret(text, key);
    expect(out).not.toContain(key);
    expect(out).not.toContain(encodeURIComponent(key));
  });

  it("masks nothing for an empty key", () => {
    expect(redactSecret("plain", "")).toBe("plain");
  });
});
