/** A relay token and when it runs out (ISO time), as POST /api/auth/relay-token answers. */
export interface RelayToken {
  token: string;
  expiresAt: string;
}

/** Refresh this long before a token runs out, ms. */
const REFRESH_BEFORE_MS = 60_000;
/** After a failed fetch, try again after this long, ms (doubling up to a minute). */
const RETRY_MS = 2_000;

/**
 * Keeps a signed-in page's relay token fresh: fetches one, hands it over, and fetches the next a
 * minute before it runs out (relay tokens live five minutes), or at once when the relay says it
 * ran out. Stops on sign-out.
 */
export class RelayTokens {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private failures = 0;

  constructor(
    private readonly fetchToken: () => Promise<RelayToken | null>,
    private readonly use: (token: string | null) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.refresh();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.use(null);
  }

  /** Fetches a fresh token now (the relay said the old one ran out). */
  async refresh(): Promise<void> {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const next = await this.fetchToken().catch(() => null);
    if (!this.running) return;
    if (!next) {
      this.failures += 1;
      this.timer = setTimeout(() => void this.refresh(), Math.min(60_000, RETRY_MS * 2 ** (this.failures - 1)));
      return;
    }
    this.failures = 0;
    this.use(next.token);
    const wait = Math.max(1_000, new Date(next.expiresAt).getTime() - Date.now() - REFRESH_BEFORE_MS);
    this.timer = setTimeout(() => void this.refresh(), wait);
  }
}
