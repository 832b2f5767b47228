"use client";

import { useState } from "react";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { AddModelForm } from "./add-model-form";
import { DiscountsSection } from "./discounts-section";
import { ModelsTable } from "./models-table";

export function ModelsPanel() {
  const permissions = usePermissions();
  const canWrite = permissions.can("models:write");
  const canEditPrices = permissions.can("prices:write");
  const [isAdding, setIsAdding] = useState(false);
  return (
    <>
      <PageHeader
        title="Models"
        description="Public model names, the connection that serves each, and prices in USD per 1M tokens."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setIsAdding(true)}>
              Add model
            </Button>
          ) : null
        }
      />
      <ModelsTable canWrite={canWrite} canEditPrices={canEditPrices} />
      <DiscountsSection canEdit={canEditPrices} />
      <Dialog title="Add model" isOpen={isAdding} onClose={() => setIsAdding(false)} size="lg">
        <AddModelForm onDone={() => setIsAdding(false)} />
      </Dialog>
    </>
  );
}
