import type { Metadata } from "next";
import { NoAccess } from "@/app/_components/no-access";
import { PageHeader } from "@/app/_components/page-header";
import { requirePermission } from "@/app/_components/require-permission";
import { AdminApiHelp } from "./admin-api-help";
import { AdminTokensPanel } from "./admin-tokens-panel";
import { PromptCacheForm } from "./prompt-cache-form";
import { ResponseCacheForm } from "./response-cache-form";
import { TimeZoneForm } from "./time-zone-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { actor, allowed } = await requirePermission("admin-tokens:write");
  if (!allowed) return <NoAccess role={actor.role} what="settings" />;
  return (
    <>
      <PageHeader title="Settings" description="The organization's time zone, response cache, provider prompt caching and tokens for the admin REST API." />
      <div className="mb-6 grid max-w-5xl grid-cols-1 gap-6 lg:grid-cols-2">
        <TimeZoneForm />
        <ResponseCacheForm />
        <PromptCacheForm />
      </div>
      <div className="grid grid-cols-1 gap-6 xl:grid-cols-[1fr_22rem]">
        <AdminTokensPanel />
        <AdminApiHelp />
      </div>
    </>
  );
}
