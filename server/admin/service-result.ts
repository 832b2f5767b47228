import type { Role } from "@/db/schema";

/** Who is acting: a console user, the env admin key, or a console-made admin token. */
export interface Actor {
  orgId: string;
  /** "user:<id>", "admin_key:env", "admin_token:<id>" or "system" */
  id: string;
  role: Role;
  userId?: string;
}

export type ServiceError =
  | { code: "invalid"; message: string; field?: string }
  | { code: "not_found"; message: string }
  | { code: "conflict"; message: string; field?: string }
  | { code: "forbidden"; message: string };

export type ServiceResult<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

export const ok = <T>(value: T): ServiceResult<T> => ({ ok: true, value });
export const failure = (error: ServiceError): ServiceResult<never> => ({ ok: false, error });

/** Postgres unique violations become a conflict naming the field. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  return code === "23505";
}
