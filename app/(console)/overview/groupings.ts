import type { RouterOutputs } from "@/app/_trpc/types";

/** The Overview's groupings (its breakdown tables and the cost-over-time chart), as the overview router takes them. */
export type OverviewGrouping = keyof RouterOutputs["overview"]["breakdown"]["groupings"];

/** What a group's row is called when its key is null (no team, no key, a key without an owner, …). */
export const noGroupLabel: Record<OverviewGrouping, string> = { team: "No team", key: "No key", owner: "Keys without an owner", model: "No model", provider: "No provider" };
