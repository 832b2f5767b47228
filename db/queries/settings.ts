import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { settings } from "../schema";

export async function readSetting<T>(db: Executor, key: string): Promise<T | undefined> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row?.value as T | undefined;
}

export async function writeSetting(db: Executor, key: string, value: unknown): Promise<void> {
  await db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
}

export async function deleteSetting(db: Executor, key: string): Promise<void> {
  await db.delete(settings).where(eq(settings.key, key));
}
