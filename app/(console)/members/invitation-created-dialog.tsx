"use client";

import { Button } from "@/app/_components/button";
import { CodeBlock } from "@/app/_components/code-block";
import { Dialog } from "@/app/_components/dialog";
import { formatDateTime } from "@/app/_components/format";
import { useOrigin } from "@/app/_components/use-origin";
import type { Role } from "@/db/schema";

export interface CreatedInvitation {
  email: string;
  role: Role;
  path: string;
  expiresAt: Date;
}

/** Shows a fresh invitation link once, to copy and send; only its hash is stored. */
export function InvitationCreatedDialog({ created, onClose }: { created: CreatedInvitation | null; onClose: () => void }) {
  const origin = useOrigin();
  return (
    <Dialog
      title={created ? `Invitation for ${created.email}` : "Invitation created"}
      isOpen={created !== null}
      onClose={onClose}
      size="lg"
      footer={
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      }
    >
      {created ? (
        <div className="space-y-3 text-sm">
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
            Copy this link now and send it to {created.email}. It is shown only once. Whoever opens it can join as <strong>{created.role}</strong> until{" "}
            {formatDateTime(created.expiresAt)} (7 days), once.
          </p>
          <CodeBlock code={`${origin}${created.path}`} label="Copy link" testId="invitation-link" />
        </div>
      ) : null}
    </Dialog>
  );
}
