import { z } from "zod";

/** A cost-centre tag on a key or a team (README "Reports"): reports group by it; a key's own tag wins over its team's. */
export const costCentreSchema = z
  .string()
  .trim()
  .min(1, "cost_centre must not be empty (send null to clear it)")
  .max(64)
  .regex(/^[\p{L}\p{N} _./:-]+$/u, "letters, digits, spaces and - _ . / : only");
