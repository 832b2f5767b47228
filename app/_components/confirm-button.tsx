"use client";

import { useState, type ReactNode } from "react";
import { Button, type ButtonProps } from "./button";
import { Dialog } from "./dialog";
import { ErrorBanner } from "./error-banner";

interface ConfirmButtonProps {
  label: string;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
  variant?: ButtonProps["variant"];
  "aria-label"?: string;
}

/** A button that asks before doing something destructive, and shows the server's error if it fails. */
export function ConfirmButton({ label, title, confirmLabel, children, onConfirm, variant = "danger", ...props }: ConfirmButtonProps) {
  const [isOpen, setIsOpen] = useState(false);
  const [isPending, setIsPending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setIsPending(true);
    setError(null);
    try {
      await onConfirm();
      setIsOpen(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsPending(false);
    }
  }

  return (
    <>
      <Button size="sm" variant={variant} onClick={() => setIsOpen(true)} aria-label={props["aria-label"]}>
        {label}
      </Button>
      <Dialog
        title={title}
        isOpen={isOpen}
        onClose={() => setIsOpen(false)}
        footer={
          <>
            <Button onClick={() => setIsOpen(false)}>Cancel</Button>
            <Button variant={variant === "danger" ? "primary" : variant} className={variant === "danger" ? "bg-red-600 hover:bg-red-700" : undefined} onClick={confirm} isPending={isPending}>
              {confirmLabel}
            </Button>
          </>
        }
      >
        <div className="space-y-3 text-sm text-neutral-700">
          {children}
          <ErrorBanner error={error} />
        </div>
      </Dialog>
    </>
  );
}
