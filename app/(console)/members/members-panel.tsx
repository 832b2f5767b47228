"use client";

import { useState } from "react";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { InvitationCreatedDialog, type CreatedInvitation } from "./invitation-created-dialog";
import { InvitationsTable } from "./invitations-table";
import { InviteForm } from "./invite-form";
import { MembersTable } from "./members-table";

export function MembersPanel() {
  const permissions = usePermissions();
  const canWrite = permissions.can("members:write");
  const [isInviting, setIsInviting] = useState(false);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  return (
    <>
      <PageHeader
        title="Members"
        description="Who can sign in to this console, and with which role. Invitations are one-time links you copy and send yourself."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setIsInviting(true)}>
              Invite member
            </Button>
          ) : null
        }
      />
      <div className="space-y-6">
        <MembersTable permissions={permissions} />
        <InvitationsTable permissions={permissions} />
      </div>
      <Dialog title="Invite member" isOpen={isInviting} onClose={() => setIsInviting(false)}>
        <InviteForm
          actorRole={permissions.me?.role}
          onCancel={() => setIsInviting(false)}
          onCreated={(invitation) => {
            setIsInviting(false);
            setCreated(invitation);
          }}
        />
      </Dialog>
      <InvitationCreatedDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}
