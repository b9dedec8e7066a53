"use client";

import { useState } from "react";
import type { AdminEvent } from "@/lib/protocol";
import type { BoardEvent } from "@/lib/protocol/admin-board";
import type { AdminOverview } from "@/lib/protocol/admin-overview";
import type { RelayLocation } from "../sports/relay-address";
import { AdminFeedList } from "./admin-feed";
import { AuditLog } from "./audit-log";
import { BoardControls } from "./board-controls";
import { ChatModeration } from "./chat-moderation";
import { EventSettlement } from "./event-settlement";
import { PublisherPanel } from "./publisher-panel";
import { RelayPanel } from "./relay-panel";
import { SourcePanel } from "./source-panel";
import { useAdminFeed } from "./use-admin-feed";
import { useBoard } from "./use-board";
import { useOverview } from "./use-overview";

/** Kinds after which the overview is read at once rather than at the next poll. */
const CHANGES_OVERVIEW = new Set<AdminEvent["kind"]>([
  "publisher_started",
  "publisher_stopped",
  "publisher_interval",
  "leader_changed",
  "outage",
  "producer_down",
  "producer_up",
]);
/** Kinds after which the board's list is read again: a producer's bet stop, or its end, changes statuses no admin event tells of. */
const CHANGES_BOARD = new Set<AdminEvent["kind"]>(["producer_down", "producer_up"]);

/**
 * The admin console: the overview (read every second while visible), the controls, the audit log
 * and the admin feed (the log's latest entries, then the pushed admin events). The overview's
 * panels re-render with it; the rest are memoised and re-render only when what they show changes.
 */
export function AdminConsole({
  email,
  initialOverview,
  events,
  relay,
}: {
  email: string;
  initialOverview: AdminOverview;
  events: BoardEvent[];
  relay: RelayLocation;
}) {
  const { overview, problem, refresh } = useOverview(initialOverview);
  const producer = overview.publisher.ok ? overview.publisher.status.producer : null;
  const unvouched = producer !== null && (producer.state === "down" || Object.keys(producer.staleSports).length > 0);
  const board = useBoard(events, unvouched);
  /** Bumped when the audit log should read its newest page again (an audited event, or the admins' room joined again). */
  const [audited, setAudited] = useState(0);
  const feed = useAdminFeed(relay, (event) => {
    if (CHANGES_OVERVIEW.has(event.kind)) refresh();
    if (CHANGES_BOARD.has(event.kind)) board.reload();
    if (event.auditId) setAudited((n) => n + 1);
    board.apply(event);
  });
  const auditRefresh = audited + feed.joins;

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
        <SourcePanel sources={overview.sources} producer={producer} now={overview.ts} />
        <EventSettlement events={board.events} onEnded={board.ended} />
        <BoardControls events={board.events} onAnswer={board.answered} />
        <ChatModeration />
        <AuditLog refresh={auditRefresh} />
      </div>
    </main>
  );
}
