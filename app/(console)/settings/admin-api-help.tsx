/** Static help: what admin tokens are for. Plain text; the README has the full reference. */
export function AdminApiHelp() {
  return (
    <aside className="h-fit rounded-lg border border-neutral-200 bg-white px-4 py-3 text-sm text-neutral-600 shadow-xs" aria-label="Admin API">
      <h2 className="mb-2 text-xs font-semibold text-neutral-800">Admin API</h2>
      <p>
        Automate what this console does over HTTP: keys, providers, models, members, teams and the request ledger under <code className="text-xs">/api/admin/*</code>. Send{" "}
        <code className="text-xs">Authorization: Bearer mga_…</code> with a token from this page, or the <code className="text-xs">GATEWAY_ADMIN_KEY</code> from the server&apos;s
        environment.
      </p>
      <p className="mt-2">
        A token acts with the role chosen when it was made (yours by default), and never with more rights than its creator has now: it stops working if they are deactivated. Store
        tokens like passwords, and revoke any you no longer use. <code className="text-xs">GATEWAY_ADMIN_KEY</code> acts as an owner.
      </p>
      <pre className="mt-3 overflow-x-auto rounded bg-neutral-900 px-3 py-2 text-xs text-neutral-100">
        <code>{`curl $ORIGIN/api/admin/keys \\\n  -H "authorization: Bearer mga_…"`}</code>
      </pre>
      <p className="mt-2">
        See the <span className="font-medium">Admin API</span> section of the README for every endpoint and body.
      </p>
    </aside>
  );
}
