import { expect, test } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders } from "../support/gateway-client";

/**
 * Members, invitations and teams through the admin API (GATEWAY_ADMIN_KEY acts as an owner). The
 * rights of every role on every route are walked by server/admin/__tests__/admin-routes-role-matrix.test.ts;
 * this spec checks the built app end to end.
 */
const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;

test("members: an invitation is a one-time link whose page opens until it is revoked", async ({ request }) => {
  const email = `${unique("invitee")}@e2e.test`;
  const created = await request.post("/api/admin/members", { headers: adminHeaders(), data: { email, role: "developer" } });
  expect(created.status()).toBe(201);
  const invitation = await created.json();
  expect(invitation).toMatchObject({ email, role: "developer" });
  expect(invitation.url).toMatch(/\/invite\?token=mgi_[A-Za-z0-9_-]{43}$/);
  expect(JSON.stringify(invitation)).not.toMatch(/token_?hash/i);

  const listed = await (await request.get("/api/admin/invitations", { headers: adminHeaders() })).text();
  expect(listed).toContain(invitation.id);
  expect(listed).not.toContain(new URL(invitation.url).searchParams.get("token")!);

  const path = new URL(invitation.url).pathname + new URL(invitation.url).search;
  const page = await request.get(path);
  expect(page.status()).toBe(200);
  expect(await page.text()).toContain(email);

  expect((await request.post("/api/admin/members", { headers: adminHeaders(), data: { email, role: "viewer" } })).status()).toBe(409);
  expect((await request.delete(`/api/admin/invitations/${invitation.id}`, { headers: adminHeaders() })).status()).toBe(200);
  expect(await (await request.get(path)).text()).toContain('data-testid="invite-invalid"');
});

test.describe("members: validation and the last owner", () => {
  for (const [name, data, param] of [
    ["bad email", { email: "not-an-email", role: "viewer" }, "email"],
    ["unknown role", { email: "x@e2e.test", role: "superuser" }, "role"],
  ] as const) {
    test(`${name} → 400 naming ${param}`, async ({ request }) => {
      const response = await request.post("/api/admin/members", { headers: adminHeaders(), data });
      expect(response.status()).toBe(400);
      expect((await response.json()).error.param).toBe(param);
    });
  }

  test("the only owner can be neither demoted nor deactivated (409); deactivation needs revoke_keys", async ({ request }) => {
    const members = (await (await request.get("/api/admin/members", { headers: adminHeaders() })).json()) as Array<{ id: string; email: string; role: string }>;
    const owner = members.find((member) => member.email === e2eEnv().adminEmail)!;
    expect(owner.role).toBe("owner");
    expect(members.filter((member) => member.role === "owner")).toHaveLength(1);
    expect((await request.patch(`/api/admin/members/${owner.id}`, { headers: adminHeaders(), data: { role: "admin" } })).status()).toBe(409);
    const missing = await request.post(`/api/admin/members/${owner.id}/deactivate`, { headers: adminHeaders(), data: {} });
    expect(missing.status()).toBe(400);
    expect((await missing.json()).error.param).toBe("revoke_keys");
    expect((await request.post(`/api/admin/members/${owner.id}/deactivate`, { headers: adminHeaders(), data: { revoke_keys: false } })).status()).toBe(409);
    expect(JSON.stringify(members)).not.toMatch(/password/i);
  });
});

test("teams: a team's keys stay within its models, its page shows keys and spend, and it is deleted once its keys are revoked", async ({ request }) => {
  const name = unique("team");
  const created = await request.post("/api/admin/teams", { headers: adminHeaders(), data: { name, allowed_models: ["gpt-4o-mini"] } });
  expect(created.status()).toBe(201);
  const team = await created.json();
  expect(team).toMatchObject({ name, allowedModels: ["gpt-4o-mini"] });
  expect((await request.post("/api/admin/teams", { headers: adminHeaders(), data: { name } })).status()).toBe(409);

  const outside = await request.post("/api/admin/keys", { headers: adminHeaders(), data: { name: "outside", team_id: team.id, models: ["claude-haiku-4-5"] } });
  expect(outside.status()).toBe(400);
  expect((await outside.json()).error.param).toBe("models");
  const key = await (await request.post("/api/admin/keys", { headers: adminHeaders(), data: { name: unique("team-key"), team_id: team.id } })).json();
  expect(key).toMatchObject({ teamId: team.id, userId: null, allowedModels: ["gpt-4o-mini"] });

  const detail = await (await request.get(`/api/admin/teams/${team.id}`, { headers: adminHeaders() })).json();
  expect(detail).toMatchObject({ id: team.id, members: [], keys: [{ id: key.id, spend: { costUsd: "0", requests: 0 } }], spend: { days: 30, costUsd: "0" } });

  expect((await request.delete(`/api/admin/teams/${team.id}`, { headers: adminHeaders() })).status()).toBe(409);
  expect((await request.delete(`/api/admin/keys/${key.id}`, { headers: adminHeaders() })).status()).toBe(200);
  expect((await request.delete(`/api/admin/teams/${team.id}`, { headers: adminHeaders() })).status()).toBe(200);
  expect((await request.get(`/api/admin/teams/${team.id}`, { headers: adminHeaders() })).status()).toBe(404);
});
