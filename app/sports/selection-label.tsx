/** Amounts in the site's currency, as the page shows them: two decimals. */
export const money = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** What a bet is on, as the slip and "my bets" show it: the pick with its line, the market, the event. */
export function SelectionLabel({ name, point, market, event }: { name: string; point: number | null; market: string; event: string }) {
  return (
    <>
      <strong>{name}</strong>
      {point !== null && <span> {point > 0 ? `+${point}` : point}</span>} <span className="muted">{market}</span>
      <div className="muted">{event}</div>
    </>
  );
}
