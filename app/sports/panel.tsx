"use client";

import type { ReactNode } from "react";

/** A side panel of the board (the bet slip, my bets, my limits): its title, a Close link, then `children`. */
export function Panel({
  title,
  className,
  onClose,
  children,
  ...data
}: { title: string; className: string; onClose: () => void; children: ReactNode } & Record<`data-${string}`, string>) {
  return (
    <aside className={`panel ${className}`} aria-label={title} {...data}>
      <header>
        <h2>{title}</h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </header>
      {children}
    </aside>
  );
}
