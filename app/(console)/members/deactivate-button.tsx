"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { useTRPC } from "@/app/_trpc/client";

/** Deactivates a member; the admin must choose whether their keys keep working. */
export function DeactivateButton({ member }: { member: { id: string; email: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isOpen, setIsOpen] = useState(false);
  const [keys, setKeys] = useState<"keep" | "revoke" | null>(null);
  const deactivate = useMutation(
    trpc.members.deactivate.mutationOptions({
      onSuccess: async () => {
        setIsOpen(false);
        await Promise.all([queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() })]);
      },
    }),
  );
  const close = () => {
    setIsOpen(false);
    setKeys(null);
    deactivate.reset();
  };

  return (
    <>
      <Button size="sm" variant="danger" onClick={() => setIsOpen(true)} aria-label={`Deactivate ${member.email}`}>
        Deactivate
      </Button>
      <Dialog
        title="Deactivate member"
        isOpen={isOpen}
        onClose={close}
        footer={
          <>
            <Button onClick={close}>Cancel</Button>
            <Button
              variant="primary"
              className="bg-red-600 hover:bg-red-700"
              disabled={keys === null}
              isPending={deactivate.isPending}
              onClick={() => keys && deactivate.mutate({ userId: member.id, revoke_keys: keys === "revoke" })}
            >
              Deactivate
            </Button>
          </>
        }
      >
        <div className="space-y-3 text-sm text-neutral-700">
          <p>
            <strong>{member.email}</strong> is signed out of the console at once and cannot sign in again until reactivated.
          </p>
          <fieldset className="space-y-2">
            <legend className="mb-1 text-xs font-medium text-neutral-700">Their virtual keys</legend>
            <label className="flex items-start gap-2">
              <input type="radio" name="keys" checked={keys === "keep"} onChange={() => setKeys("keep")} className="mt-0.5 accent-accent-600" />
              <span>Keep working (services that use them keep running)</span>
            </label>
            <label className="flex items-start gap-2">
              <input type="radio" name="keys" checked={keys === "revoke"} onChange={() => setKeys("revoke")} className="mt-0.5 accent-accent-600" />
              <span>Revoke them now (requests with them get 401)</span>
            </label>
          </fieldset>
          <ErrorBanner error={deactivate.error} />
        </div>
      </Dialog>
    </>
  );
}
