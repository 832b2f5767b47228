import type { CsvExport } from "./report-exports";
import { resultJson } from "./rest";
import type { ServiceResult } from "./service-result";

/** A streamed CSV download, or the service's error in the OpenAI error shape. */
export function csvResponse(result: ServiceResult<CsvExport>): Response {
  if (!result.ok) return resultJson(result);
  const { stream, filename, headers } = result.value;
  return new Response(stream, { headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store", ...headers } });
}
