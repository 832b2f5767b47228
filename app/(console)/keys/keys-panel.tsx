"use client";

import { useState } from "react";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { CreateKeyForm } from "./create-key-form";
import { KeyCreatedDialog } from "./key-created-dialog";
import { KeysTable } from "./keys-table";

export function KeysPanel() {
  const permissions = usePermissions();
  const canCreate = permissions.can("keys:write") || permissions.can("keys:write-own");
  const [isCreating, setIsCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  return (
    <>
      <PageHeader
        title="Keys"
        description="Virtual keys for the OpenAI-compatible API at /v1. A key is shown once, when it is created."
        actions={
          canCreate ? (
            <Button variant="primary" onClick={() => setIsCreating(true)}>
              Create key
            </Button>
          ) : null
        }
      />
      <KeysTable permissions={permissions} />
      <Dialog title="Create key" isOpen={isCreating} onClose={() => setIsCreating(false)}>
        <CreateKeyForm
          onCancel={() => setIsCreating(false)}
          onCreated={(result) => {
            setIsCreating(false);
            setCreated(result);
          }}
        />
      </Dialog>
      <KeyCreatedDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}
