"use client";

import { useState } from "react";
import type { AdminEvent } from "../../lib/protocol";
import type { AdminOverview } from "../../lib/protocol/admin-overview";
import type { RelayLocation } from "../sports/relay-address";
import { AdminFeedList } from "./admin-feed";
import { AuditLog } from "./audit-log";
import { BoardControls } from "./board-controls";
import { type BoardEvent, applyToBoard } from "./board-state";
import { ChatModeration } from "./chat-moderation";
import { EventSettlement } from "./event-settlement";
import { PublisherPanel } from "./publisher-panel";
import { RelayPanel } from "./relay-panel";
import { SourcePanel } from "./source-panel";
import { useAdminFeed } from "./use-admin-feed";
import { useOverview } from "./use-overview";

/** Kinds after which the overview is read at once rather than at the next poll. */
const CHANGES_OVERVIEW = new Set<AdminEvent["kind"]>(["publisher_started", "publisher_stopped", "publisher_interval", "leader_changed", "outage", "producer_down", "producer_up"]);

/**
 * The admin console: the overview (read every second while visible), the controls, the audit log
 * and the admin feed (the log's latest entries, then the pushed admin events).
 */
export function AdminConsole({ email, initialOverview, events, relay }: { email: string; initialOverview: AdminOverview; events: BoardEvent[]; relay: RelayLocation }) {
  const { overview, problem, refresh } = useOverview(initialOverview);
  const [board, setBoard] = useState(events);
  /** The id of the newest audited admin event heard: the audit log reads its newest page again. */
  const [latestAudit, setLatestAudit] = useState<string | null>(null);
  const feed = useAdminFeed(relay, (event) => {
    if (CHANGES_OVERVIEW.has(event.kind)) refresh();
    if (event.auditId) setLatestAudit(event.auditId);
    setBoard((list) => applyToBoard(list, event));
  });

  return (
    <main className="admin-console">
      <header className="admin-header">
        <h1>Admin console</h1>
        <span className="muted">
          Signed in as <strong data-testid="admin-email">{email}</strong> · <a href="/sports">Board</a>
        </span>
      </header>
      {problem && <p className="notice problem">{problem}</p>}
      <div className="admin-grid">
        <PublisherPanel publisher={overview.publisher} onChanged={refresh} />
        <AdminFeedList feed={feed} />
        <RelayPanel relay={overview.relay} />
        <SourcePanel sources={overview.sources} producer={overview.publisher.ok ? overview.publisher.status.producer : null} now={overview.ts} />
        <EventSettlement events={events} />
        <BoardControls events={board} onChange={setBoard} />
        <ChatModeration />
        <AuditLog latest={latestAudit} />
      </div>
    </main>
  );
}
