/**
 * A fake of OpenAI's Administration API, Costs endpoint, strict about what the reference documents:
 * https://platform.openai.com/docs/api-reference/usage/costs (the OpenAPI operation `usage-costs`, `GET
 * /organization/costs`): an admin key as `Authorization: Bearer`; `start_time` (Unix seconds, inclusive, required),
 * `end_time` (exclusive), `bucket_width` (only `1d`), `group_by` (`project_id`, `line_item`), `limit` (1–180 buckets,
 * default 7), `page` (the previous page's `next_page`). Answers `{"object":"page","data":[{"object":"bucket",
 * "start_time","end_time","results":[{"object":"organization.costs.result","amount":{"value":<number, dollars>,
 * "currency":"usd"},"line_item","project_id"}]}],"has_more","next_page"}`; errors are OpenAI's error body.
 */
import { startFake, type FakeContext } from "./common";
import { daysBetween, decodeCursor, encodeCursor, type FakeCostApi, type FakeCostDays } from "./cost-api-days";

export const FAKE_OPENAI_ADMIN_KEY = "sk-admin-fake-openai-costs-0123456789";

export async function startFakeOpenAICosts(initial: FakeCostDays = {}): Promise<FakeCostApi & { requests: () => FakeContext["record"][] }> {
  let days = initial;
  const fail = (context: FakeContext, status: number, message: string, code: string | null = null) =>
    context.json(status, { error: { message, type: "invalid_request_error", param: null, code } });
  const fake = await startFake("openai-costs", (context) => {
    if (`${context.request.method} ${context.url.pathname}` !== "GET /v1/organization/costs") return fail(context, 404, `Invalid URL (${context.request.method} ${context.url.pathname})`);
    if (context.request.headers.authorization !== `Bearer ${FAKE_OPENAI_ADMIN_KEY}`) return fail(context, 401, "Incorrect API key provided: sk-adm*****6789. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_api_key");
    const query = context.url.searchParams;
    const start = Number(query.get("start_time"));
    if (!query.get("start_time") || !Number.isInteger(start)) return fail(context, 400, "start_time is required and must be an integer.");
    const end = query.get("end_time") ? Number(query.get("end_time")) : Math.floor(Date.now() / 1000);
    if ((query.get("bucket_width") ?? "1d") !== "1d") return fail(context, 400, "bucket_width must be 1d.");
    const groupBy = query.getAll("group_by");
    if (groupBy.some((field) => field !== "line_item" && field !== "project_id")) return fail(context, 400, "group_by supports project_id and line_item.");
    const limit = Number(query.get("limit") ?? 7);
    if (!Number.isInteger(limit) || limit < 1 || limit > 180) return fail(context, 400, "limit must be between 1 and 180.");
    let all = daysBetween(start * 1000, end * 1000);
    const cursor = query.get("page");
    if (cursor) {
      const from = decodeCursor(cursor);
      if (!from) return fail(context, 400, "Invalid page cursor.");
      all = all.filter((day) => day >= from);
    }
    const page = all.slice(0, limit);
    const data = page.map((day) => {
      const items = days[day] ?? [];
      const bucketStart = Date.parse(`${day}T00:00:00Z`) / 1000;
      const byLine = groupBy.includes("line_item");
      // Ungrouped, one result per currency (the sum); grouped by line item, one per item.
      const results = byLine
        ? items.map((item) => ({ object: "organization.costs.result", amount: { value: Number(item.amount), currency: (item.currency ?? "usd").toLowerCase() }, line_item: item.name, project_id: null }))
        : items.length === 0
          ? []
          : [{ object: "organization.costs.result", amount: { value: Number(items.reduce((sum, item) => sum + Number(item.amount), 0).toFixed(6)), currency: (items[0].currency ?? "usd").toLowerCase() }, line_item: null, project_id: null }];
      return { object: "bucket", start_time: bucketStart, end_time: bucketStart + 86_400, results };
    });
    const hasMore = all.length > limit;
    context.json(200, { object: "page", data, has_more: hasMore, next_page: hasMore ? encodeCursor(all[limit]) : null });
  });
  return {
    url: fake.url,
    setDays: (next) => void (days = next),
    requests: () => fake.received,
    close: () => fake.close(),
  };
}
