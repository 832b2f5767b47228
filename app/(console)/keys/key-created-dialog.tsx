"use client";

import { Button } from "@/app/_components/button";
import { CodeBlock } from "@/app/_components/code-block";
import { Dialog } from "@/app/_components/dialog";
import { envSnippet, sdkSnippet } from "@/app/_components/snippets";
import { useOrigin } from "@/app/_components/use-origin";

/** Shows a freshly created key once, with a copy button and ready-to-paste client config. */
export function KeyCreatedDialog({ created, onClose }: { created: { name: string; key: string } | null; onClose: () => void }) {
  const origin = useOrigin();
  return (
    <Dialog
      title={created ? `Key "${created.name}" created` : "Key created"}
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
        <div className="space-y-4 text-sm">
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900">
            Copy this key now. It is shown only once and can&apos;t be retrieved later; if you lose it, revoke it and create a new one.
          </p>
          <div className="space-y-1">
            <p className="text-xs font-medium text-neutral-700">Your key</p>
            <CodeBlock code={created.key} label="Copy key" testId="created-key" />
          </div>
          <div className="space-y-1">
            <p className="text-xs font-medium text-neutral-700">Environment</p>
            <CodeBlock code={envSnippet(origin, created.key)} />
          </div>
          <div className="space-y-1">
            <p className="text-xs font-medium text-neutral-700">OpenAI SDK (JavaScript)</p>
            <CodeBlock code={sdkSnippet(origin, created.key)} />
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
