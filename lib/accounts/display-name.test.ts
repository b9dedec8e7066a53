import { describe, expect, it } from "vitest";
import { DisplayName, PublicDisplayName, defaultDisplayName, fold } from "./display-name";

describe("display names", () => {
  it("are trimmed and kept when 1–32 printable characters", () => {
    expect(DisplayName.parse("  Ann Lee ")).toBe("Ann Lee");
    expect(DisplayName.parse("x".repeat(32))).toBe("x".repeat(32));
    // Counted in characters, not UTF-16 units: 32 emoji fit.
    expect(DisplayName.parse("🎉".repeat(32))).toBe("🎉".repeat(32));
  });

  it("refuse empty, too long and unprintable names, saying which", () => {
    expect(DisplayName.safeParse("   ").error?.issues[0]?.message).toBe("must not be empty");
    expect(DisplayName.safeParse("x".repeat(33)).error?.issues[0]?.message).toBe("must be at most 32 characters");
    expect(DisplayName.safeParse("Ann\u202eeeL").error?.issues[0]?.message).toBe("must contain only printable characters");
    expect(DisplayName.safeParse("Ann\nLee").success).toBe(false);
    expect(DisplayName.safeParse("zero\u200bwidth").success).toBe(false);
  });

  it("default to the email's local part, cut to 32 characters", () => {
    expect(defaultDisplayName("ann.lee@example.com")).toBe("ann.lee");
    expect(defaultDisplayName(`${"a".repeat(40)}@example.com`)).toBe("a".repeat(32));
    expect(defaultDisplayName("odd@local@example.com")).toBe("odd"); // as the backfill does
  });

  it("a bettor cannot pose as staff, by choice or by email", () => {
    for (const name of ["Admin", "ADMIN team", "a.d.m.i.n", "Moderator", "Support", "Live Odds", "mod_1"]) {
      expect(PublicDisplayName.safeParse(name).error?.issues[0]?.message).toBe("is reserved for staff");
    }
    expect(PublicDisplayName.parse("Ann Lee")).toBe("Ann Lee");
    for (const name of ["Madmin", "Modric", "Supporter", "Staffordshire"]) expect(PublicDisplayName.parse(name)).toBe(name); // words, not prefixes
    expect(defaultDisplayName("support@example.com")).toBe("bettor");
  });

  it("look-alikes from other scripts pose as staff too: reserved words are compared after folding confusables", () => {
    const posing = {
      Аdmin: "Cyrillic А",
      аdmin: "Cyrillic а",
      ΑDMIN: "Greek Alpha, capitals",
      ADMlN: "a small L for a capital I",
      "Μоd 7": "Greek Mu and Cyrillic о, with a number",
      Ѕtaff: "Cyrillic Dze",
      ЅΥЅТЕΜ: "Cyrillic and Greek capitals",
      ꓮꓓꓟꓲꓠ: "Lisu letters",
      Ꮪupport: "Cherokee S",
      ａｄｍｉｎ: "full-width Latin",
      𝐚𝐝𝐦𝐢𝐧: "mathematical bold",
      𝔰𝔲𝔭𝔭𝔬𝔯𝔱: "mathematical Fraktur",
      Ádmin: "an accent",
      Supp0rt: "a zero for an o",
      "m.о.d": "Cyrillic о between separators",
    };
    for (const [name, how] of Object.entries(posing)) {
      expect(PublicDisplayName.safeParse(name).error?.issues[0]?.message, `${name} (${how})`).toBe("is reserved for staff");
    }
    expect(defaultDisplayName("аdmin@example.com")).toBe("bettor");
  });

  it("names in other scripts that pose as nobody pass, as typed", () => {
    for (const name of ["Иван", "Модератор", "Ολυμπία", "李雷", "أحمد", "Björk", "Nguyễn", "Łukasz", "Zoë", "Modo", "Аnn"]) {
      expect(PublicDisplayName.parse(name)).toBe(name);
    }
  });

  it("fold compares how text looks: the same for look-alikes, different for different letters", () => {
    expect(fold("Аdmin")).toBe(fold("Admin"));
    expect(fold("ΡауРаl")).toBe(fold("PayPal"));
    expect(fold("rn")).toBe(fold("m"));
    expect(fold("Björk")).toBe("Bjork");
    expect(fold("admin")).not.toBe(fold("admln"));
  });
});
