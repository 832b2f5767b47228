import { CopyButton } from "./copy-button";

/** Preformatted text with a copy button (snippets, keys). Plain text only. */
export function CodeBlock({ code, label, testId }: { code: string; label?: string; testId?: string }) {
  return (
    <div className="relative rounded-md border border-neutral-200 bg-neutral-900">
      <pre data-testid={testId} className="overflow-x-auto px-3 py-2.5 pr-20 text-xs leading-relaxed text-neutral-100">
        <code>{code}</code>
      </pre>
      <div className="absolute top-1.5 right-1.5">
        <CopyButton text={code} label={label} />
      </div>
    </div>
  );
}
