import { CodeBlock } from "@/app/_components/code-block";

interface StoredBody {
  mode: "metadata" | "full";
  callerRegion: string | null;
  body: unknown;
  responseText: string | null;
}

/** The request as its key asked to keep it (full: the body as it left the gateway, and the answer; metadata: its shape). */
export function RequestBody({ stored }: { stored: StoredBody | null }) {
  if (!stored) return null;
  return (
    <section aria-label="Stored request" className="space-y-2" data-testid="stored-body">
      <h2 className="text-sm font-semibold">
        Stored request <span className="font-normal text-neutral-500">({stored.mode === "full" ? "full body, after policy" : "metadata only, no prompt text"})</span>
      </h2>
      <CodeBlock code={JSON.stringify(stored.body, null, 2)} label="Copy request body" testId="stored-request" />
      {stored.mode === "full" && stored.responseText ? (
        <>
          <h3 className="text-xs font-medium text-neutral-500">Answer</h3>
          <CodeBlock code={stored.responseText} label="Copy answer" testId="stored-response" />
        </>
      ) : null}
    </section>
  );
}
