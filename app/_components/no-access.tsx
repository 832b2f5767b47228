import { EmptyState } from "./empty-state";

/** Shown by a page when the signed-in role lacks its read permission. */
export function NoAccess({ role, what }: { role: string; what: string }) {
  return (
    <EmptyState title="You don't have access to this page">
      Your role ({role}) cannot view {what}. Ask an owner or admin for access.
    </EmptyState>
  );
}
