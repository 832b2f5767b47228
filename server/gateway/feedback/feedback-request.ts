import { z } from "zod";
import type { FeedbackEntry } from "@/db/queries/request-feedback";

/**
 * POST /v1/feedback (README "A/B experiments"): the request id of an answer (its `x-request-id`) and at least one
 * of a numeric score, a thumbs value, a task-completion flag; an optional comment.
 */
export const feedbackRequestSchema = z
  .object({
    request_id: z.string().regex(/^req_[0-9a-f]{24}$/, "an x-request-id of this gateway (req_ and 24 hex characters)"),
    score: z.number().finite().min(-1_000_000).max(1_000_000).optional(),
    thumbs: z.enum(["up", "down"]).optional(),
    task_completed: z.boolean().optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .refine((body) => body.score !== undefined || body.thumbs !== undefined || body.task_completed !== undefined || body.comment !== undefined, { message: "send at least one of score, thumbs, task_completed, comment" });
export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

/** One row per metric given; the comment is a metric of its own (so each can be sent, and replaced, alone). */
export function toFeedbackEntries(body: FeedbackRequest): FeedbackEntry[] {
  const entries: FeedbackEntry[] = [];
  if (body.score !== undefined) entries.push({ metric: "score", value: body.score, comment: null });
  if (body.thumbs !== undefined) entries.push({ metric: "thumbs", value: body.thumbs === "up" ? 1 : 0, comment: null });
  if (body.task_completed !== undefined) entries.push({ metric: "task_completed", value: body.task_completed ? 1 : 0, comment: null });
  if (body.comment !== undefined) entries.push({ metric: "comment", value: null, comment: body.comment });
  return entries;
}
