import { Badge } from "@/app/_components/badge";
import { PolicyHitsTable } from "../../policies/policy-hits-table";
import type { PolicyDecisionValue } from "@/db/schema/policy-decision";

const outcomeTones = { allowed: "green", blocked: "red", failed: "red", redacted: "amber", rerouted: "blue" } as const;

/** The policy decision of the request: which rules fired, what they did, which detectors (never the matched text). */
export function RequestPolicy({ policy }: { policy: PolicyDecisionValue | null }) {
  if (!policy) return null;
  return (
    <section aria-label="Policy" className="space-y-2" data-testid="request-policy">
      <h2 className="text-xs font-semibold text-neutral-600">
        Policy <Badge tone={outcomeTones[policy.outcome]} testId="policy-outcome">{policy.outcome}</Badge>
        {policy.reroutedTo ? <span className="ml-2 font-normal text-neutral-600">rerouted from <code>{policy.reroutedFrom ?? "?"}</code> to <code>{policy.reroutedTo}</code></span> : null}
      </h2>
      {policy.residency ? (
        <p className="text-sm text-neutral-700">
          Data residency refused the model (region {policy.residency.modelRegion ?? "none"}; allowed: {policy.residency.allowedRegions.join(", ")}).
        </p>
      ) : null}
      <PolicyHitsTable decision={policy} label="Policy rules" />
    </section>
  );
}
