/** Where the relay is: configured, or the page's own host on the relay's port. */
export function relayAddress(relay: { url: string | null; port: number }): string {
  return relay.url ?? `${window.location.protocol}//${window.location.hostname}:${relay.port}`;
}
