import { expect, test } from "@playwright/test";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * Stored request bodies and policy replay: a team that keeps bodies in full, a key that keeps metadata only; the
 * request detail shows what was kept (after policy), and a dry-run rule replayed against the stored traffic counts
 * what it would have blocked, before it is enforced.
 */
test("bodies kept in full or as metadata, shown on the request; a dry-run rule replayed against them", async ({ request }) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const team = await (await request.post("/api/admin/teams", { headers: adminHeaders(), data: { name: `bodies-${tag}`, body_logging: "full" } })).json();
  expect(team.bodyLogging).toBe("full");
  const full = await createKey(request, { team_id: team.id });
  const metadata = await createKey(request, { team_id: team.id, body_logging: "metadata" });
  const marker = `replay-marker-${tag}`;
  const send = (key: string, content: string) =>
    request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: "gpt-4o-mini", max_tokens: 10, temperature: 0.5, messages: [{ role: "user", content }] } });

  // The snapshot takes the new keys within a second or two.
  let first = await send(full.key, `hello ${marker}`);
  for (let attempt = 0; attempt < 50 && first.status() === 401; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    first = await send(full.key, `hello ${marker}`);
  }
  expect(first.status()).toBe(200);
  const second = await send(full.key, `and again ${marker}`);
  const third = await send(metadata.key, `a secret for metadata ${marker}`);
  expect([second.status(), third.status()]).toEqual([200, 200]);

  const fullRow = await ledgerRow(request, first.headers()["x-request-id"]);
  expect(fullRow.storedBody).toMatchObject({ mode: "full", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `hello ${marker}` }] } });
  expect(typeof (fullRow.storedBody as { responseText: string }).responseText).toBe("string");
  const metadataRow = await ledgerRow(request, third.headers()["x-request-id"]);
  expect(metadataRow.storedBody).toMatchObject({ mode: "metadata", body: { model: "gpt-4o-mini", temperature: 0.5, messages: [{ role: "user", parts: 1 }] } });
  expect(JSON.stringify(metadataRow.storedBody)).not.toContain("secret");

  // A draft block rule on the marker, in dry-run: replayed as enforced, it would have blocked the two full bodies
  // (the metadata one has no text to match).
  const replay = await request.post("/api/admin/policies/replay", {
    headers: adminHeaders(),
    data: { days: 1, rules: [{ name: `Block the marker ${tag}`, action: "block", dry_run: true, conditions: { keywords: [marker] } }] },
  });
  expect(replay.status()).toBe(200);
  const result = await replay.json();
  expect(result.rules).toEqual([expect.objectContaining({ name: `Block the marker ${tag}`, fired: 2 })]);
  expect(result.outcomes.blocked).toBe(2);
  expect(result.samples.blocked).toEqual(expect.arrayContaining([first.headers()["x-request-id"], second.headers()["x-request-id"]]));
  // As a dry run it only records: nothing blocked.
  const asDryRun = await (await request.post("/api/admin/policies/replay", { headers: adminHeaders(), data: { days: 1, enforce_dry_run: false, rules: [{ name: "dry", action: "block", dry_run: true, conditions: { keywords: [marker] } }] } })).json();
  expect(asDryRun.outcomes.blocked).toBe(0);
  expect(asDryRun.rules[0].fired).toBe(2);

  // An unknown mode is refused, naming the field.
  const developerKeyAttempt = await request.post("/api/admin/keys", { headers: adminHeaders(), data: { name: `k-${tag}`, body_logging: "sideways" } });
  expect(developerKeyAttempt.status()).toBe(400);
});
