import { cx } from "./cx";
import { errorMessage } from "./error-message";

/** A red notice for a failed query or mutation; renders nothing without an error. */
export function ErrorBanner({ error, title, className }: { error: unknown; title?: string; className?: string }) {
  if (!error) return null;
  return (
    <div role="alert" data-testid="error-banner" className={cx("rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800", className)}>
      {title ? <p className="font-medium">{title}</p> : null}
      <p className="break-words">{errorMessage(error)}</p>
    </div>
  );
}
