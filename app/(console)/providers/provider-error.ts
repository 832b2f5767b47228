import { errorField, errorMessage } from "@/app/_components/error-message";

export type ProviderField = "name" | "base_url" | "api_key" | "region";

/** Which form field a server error belongs to: "base_url …" (SSRF refusals, bad URLs) or a name conflict. */
export function providerErrorField(error: unknown): ProviderField | undefined {
  if (!error) return undefined;
  const field = errorField(error, ["base_url", "name", "api_key", "region"]) as ProviderField | undefined;
  return field ?? (/provider named/.test(errorMessage(error)) ? "name" : undefined);
}

export function fieldError(error: unknown, field: ProviderField): string | undefined {
  return providerErrorField(error) === field ? errorMessage(error) : undefined;
}

export function isValidUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
