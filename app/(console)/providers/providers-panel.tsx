"use client";

import { useState } from "react";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { AddProviderForm } from "./add-provider-form";
import { ProvidersTable } from "./providers-table";

export function ProvidersPanel() {
  const permissions = usePermissions();
  const canWrite = permissions.can("providers:write");
  const [isAdding, setIsAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Providers"
        description="Upstream connections the gateway calls. Credentials are encrypted at rest and never shown again; only their last four characters are."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setIsAdding(true)}>
              Add provider
            </Button>
          ) : null
        }
      />
      <ProvidersTable canWrite={canWrite} />
      <Dialog title="Add provider" isOpen={isAdding} onClose={() => setIsAdding(false)}>
        <AddProviderForm onDone={() => setIsAdding(false)} />
      </Dialog>
    </>
  );
}
