"use client";

import { type FormEvent, useState } from "react";
import type { Account } from "@/lib/live/account-store";
import { signIn, signUp } from "./api";

/** Sign in or create an account (with the demo balance). `reason` says why it opened, if it did on its own. */
export function AuthDialog({ reason, onDone, onClose }: { reason: string | null; onDone: (account: Account) => void; onClose: () => void }) {
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const answer = await (mode === "signin" ? signIn(email, password) : signUp(email, password, name));
    setBusy(false);
    if (answer.ok) return onDone(answer.value);
    setProblem({ message: answer.message, fields: answer.fields ?? {} });
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click outside the dialog closes it, as Escape does from the keyboard.
    <div className="dialog-backdrop" role="presentation" onClick={onClose} onKeyDown={(e) => e.key === "Escape" && onClose()}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the click only keeps the backdrop's close from firing inside the dialog. */}
      <form
        className="dialog auth"
        role="dialog"
        aria-label={mode === "signin" ? "Sign in" : "Create an account"}
        onClick={(e) => e.stopPropagation()}
        onSubmit={submit}
      >
        <h2>{mode === "signin" ? "Sign in" : "Create an account"}</h2>
        {reason && <p className="hint">{reason}</p>}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          {problem?.fields.email && <span className="field-error">{problem.fields.email}</span>}
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === "signin" ? "current-password" : "new-password"}
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {problem?.fields.password && <span className="field-error">{problem.fields.password}</span>}
        </label>
        {mode === "signup" && (
          <label>
            Display name <span className="hint">(shown in chat; optional)</span>
            <input name="name" autoComplete="nickname" value={name} onChange={(e) => setName(e.target.value)} />
            {problem?.fields.name && <span className="field-error">{problem.fields.name}</span>}
          </label>
        )}
        {problem && Object.keys(problem.fields).length === 0 && (
          <p className="form-error" role="alert">
            {problem.message}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {mode === "signin" ? "Sign in" : "Create account"}
          </button>
          <button
            type="button"
            className="link"
            onClick={() => {
              setMode(mode === "signin" ? "signup" : "signin");
              setProblem(null);
            }}
          >
            {mode === "signin" ? "New here? Create an account" : "Have an account? Sign in"}
          </button>
        </div>
      </form>
    </div>
  );
}
