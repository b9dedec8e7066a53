"use client";

import type { OddsFormat } from "@/lib/odds";
import { FORMATS } from "./odds-format";

/** The header's odds format picker (decimal, American, fractional). */
export function OddsFormatSelect({ format, onChange }: { format: OddsFormat; onChange: (format: OddsFormat) => void }) {
  return (
    <label className="format">
      Odds
      <select value={format} onChange={(e) => onChange(e.target.value as OddsFormat)} aria-label="Odds format">
        {FORMATS.map((f) => (
          <option key={f} value={f}>
            {f[0]?.toUpperCase() + f.slice(1)}
          </option>
        ))}
      </select>
    </label>
  );
}
