/** The relay as the server tells a page of it: its configured public URL, else its port. */
export interface RelayLocation {
  url: string | null;
  port: number;
}

/** Where the relay is: configured, or the page's own host on the relay's port. */
export function relayAddress(relay: RelayLocation): string {
  return relay.url ?? `${window.location.protocol}//${window.location.hostname}:${relay.port}`;
}
