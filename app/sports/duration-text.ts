/**
 * A length of time in whole minutes, as the reality check says it.
 * @example durationText(16) // "16 minutes"
 * @example durationText(125) // "2 hours 5 minutes"
 */
export function durationText(minutes: number): string {
  const whole = Math.max(0, Math.floor(minutes));
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
  if (whole < 60) return unit(whole, "minute");
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? unit(hours, "hour") : `${unit(hours, "hour")} ${unit(rest, "minute")}`;
}
