"use client";

import { useState } from "react";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { formatLimit } from "../rate-limits/format-limit";
import { RateLimitForm } from "../rate-limits/rate-limit-form";

interface KeyLimit {
  id: string;
  scopeId: string | null;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  failMode: "open" | "closed";
}

/** A key's rate limit in the keys table: its own, else the key default (marked so), with an edit button for writers. */
export function KeyRateLimit({ keyId, keyName, limits, canWrite }: { keyId: string; keyName: string; limits: KeyLimit[] | undefined; canWrite: boolean }) {
  const [isEditing, setIsEditing] = useState(false);
  const own = limits?.find((limit) => limit.scopeId === keyId);
  const fallback = limits?.find((limit) => limit.scopeId === null);
  return (
    <span className="flex items-center gap-2 whitespace-nowrap">
      <span className={own ? "text-neutral-800" : "text-neutral-500"} data-testid="key-rate-limit">
        {own ? formatLimit(own) : fallback ? `${formatLimit(fallback)} (default)` : "—"}
      </span>
      {canWrite ? (
        <Button size="sm" variant="ghost" aria-label={`Rate limit of ${keyName}`} onClick={() => setIsEditing(true)}>
          {own ? "Edit" : "Set"}
        </Button>
      ) : null}
      <Dialog title={`Rate limit: ${keyName}`} isOpen={isEditing} onClose={() => setIsEditing(false)}>
        <RateLimitForm scope="key" scopeId={keyId} current={own} onDone={() => setIsEditing(false)} />
      </Dialog>
    </span>
  );
}
