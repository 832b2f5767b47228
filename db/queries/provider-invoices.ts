import { and, asc, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { providerInvoices } from "../schema";

export type ProviderInvoiceRow = typeof providerInvoices.$inferSelect;

export async function findInvoice(db: Executor, orgId: string, month: string, provider: string): Promise<ProviderInvoiceRow | undefined> {
  const [row] = await db
    .select()
    .from(providerInvoices)
    .where(and(eq(providerInvoices.orgId, orgId), eq(providerInvoices.month, month), eq(providerInvoices.provider, provider)));
  return row;
}

/** One invoice per org, month and provider: entering it again replaces the total. */
export async function upsertInvoice(tx: Executor, values: { orgId: string; month: string; provider: string; totalUsd: string; invoiceNumber: string | null; createdBy: string }): Promise<ProviderInvoiceRow> {
  const [row] = await tx
    .insert(providerInvoices)
    .values(values)
    .onConflictDoUpdate({
      target: [providerInvoices.orgId, providerInvoices.month, providerInvoices.provider],
      set: { totalUsd: values.totalUsd, invoiceNumber: values.invoiceNumber, updatedAt: sql`now()` },
    })
    .returning();
  return row;
}

export async function listInvoices(db: Executor, orgId: string, month: string): Promise<ProviderInvoiceRow[]> {
  return db
    .select()
    .from(providerInvoices)
    .where(and(eq(providerInvoices.orgId, orgId), eq(providerInvoices.month, month)))
    .orderBy(asc(providerInvoices.provider));
}
