import { randomUUID } from "node:crypto";

/**
 * A bettor talking to the web app over HTTP, as a browser would: it keeps the session cookie the
 * routes set and sends it back, and sends this site's Origin on POSTs.
 */
export class WebUser {
  private cookie = "";

  constructor(
    private readonly baseUrl: string,
    readonly email = `${randomUUID()}@bettor.test`,
    readonly password = "a good long password",
    /** How requests go out: `fetchFrom(address)` (fetch-from.ts) to come from another client address. */
    private readonly send: typeof fetch = fetch,
  ) {}

  async signUp(): Promise<Response> {
    return this.post("/api/account/signup", { email: this.email, password: this.password });
  }

  async signIn(): Promise<Response> {
    return this.post("/api/account/login", { email: this.email, password: this.password });
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json", origin: this.baseUrl, ...headers },
    });
  }

  delete(path: string): Promise<Response> {
    return this.request(path, { method: "DELETE", headers: { origin: this.baseUrl } });
  }

  get(path: string): Promise<Response> {
    return this.request(path, {});
  }

  /** The session cookie as a browser would send it (to hand to a Playwright context). */
  sessionCookie(): { name: string; value: string } | null {
    const [name, value] = this.cookie.split("=");
    return name && value ? { name, value } : null;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const response = await this.send(`${this.baseUrl}${path}`, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      if (!pair) continue;
      this.cookie = /=\s*$/.test(pair) || /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line) ? "" : pair;
    }
    return response;
  }
}
