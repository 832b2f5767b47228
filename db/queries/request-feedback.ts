import { sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";

export type FeedbackMetric = "score" | "thumbs" | "task_completed" | "comment";
export interface FeedbackEntry {
  metric: FeedbackMetric;
  value: number | null;
  comment: string | null;
}

/**
 * Rates one request in one statement (README "A/B experiments"): the rows are inserted only when the ledger row
 * `requestId` exists in the org and was made by `keyId` or by a key of `teamId`; the experiment and variant are
 * copied from it. A repeat of a (request, metric) replaces the value (latest wins). Returns the metrics written:
 * none when the request is unknown or belongs to someone else (the caller answers 404 for both).
 */
export async function upsertFeedback(db: Executor, args: { orgId: string; keyId: string; teamId: string | null; requestId: string; entries: FeedbackEntry[] }): Promise<FeedbackMetric[]> {
  const values = sql.join(
    args.entries.map((entry) => sql`(${entry.metric}::text, ${entry.value}::double precision, ${entry.comment}::text)`),
    sql`, `,
  );
  const rows = await executeRows<{ metric: FeedbackMetric }>(
    db,
    sql`insert into request_feedback (request_id, metric, org_id, key_id, experiment_id, variant, value, comment)
        select ledger.id, entry.metric, ledger.org_id, ${args.keyId}::uuid, ledger.experiment_id, ledger.variant, entry.value, entry.comment
        from usage_ledger ledger cross join (values ${values}) as entry(metric, value, comment)
        where ledger.id = ${args.requestId} and ledger.org_id = ${args.orgId}
          and (ledger.key_id = ${args.keyId}::uuid or (${args.teamId}::uuid is not null and ledger.team_id = ${args.teamId}::uuid))
        on conflict (request_id, metric) do update set value = excluded.value, comment = excluded.comment, key_id = excluded.key_id, updated_at = now()
        returning metric`,
  );
  return rows.map((row) => row.metric);
}
