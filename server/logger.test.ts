import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, describeError } from "./logger";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { lines, destination };
}

describe("logger (pino)", () => {
  it("writes one JSON line per event with a level label, an ISO time, the message and the fields", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "info", destination });
    logger.info("request", { request_id: "req_1", cost_usd: "0.000123" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "info", msg: "request", request_id: "req_1", cost_usd: "0.000123" });
    expect(new Date(lines[0].time as string).toISOString()).toBe(lines[0].time);
    expect(lines[0]).toHaveProperty("pid", process.pid);
  });

  it("drops events below the configured level and writes nothing when silent", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "warn", destination });
    logger.debug("a");
    logger.info("b");
    logger.warn("c");
    logger.error("d");
    expect(lines.map((line) => [line.level, line.msg])).toEqual([["warn", "c"], ["error", "d"]]);
    const quiet = capture();
    createLogger({ level: "silent", destination: quiet.destination }).error("e");
    expect(quiet.lines).toEqual([]);
  });

  it("says which levels it writes, so the hot path can skip building fields it would drop", () => {
    const atWarn = createLogger({ level: "warn", destination: capture().destination });
    expect([atWarn.isEnabled("debug"), atWarn.isEnabled("info"), atWarn.isEnabled("warn"), atWarn.isEnabled("error")]).toEqual([false, false, true, true]);
    const atInfo = createLogger({ level: "info", destination: capture().destination });
    expect([atInfo.isEnabled("debug"), atInfo.isEnabled("info")]).toEqual([false, true]);
  });

  it("masks credentials wherever a caller passes them, at the top level and one object down", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "info", destination });
    logger.warn("upstream refused", { authorization: "Bearer sk-live-123", headers: { authorization: "Bearer vk_abc", "x-api-key": "sk-ant-1" }, connection: { api_key: "sk-2", name: "openai" } });
    const line = JSON.stringify(lines[0]);
    for (const secret of ["sk-live-123", "vk_abc", "sk-ant-1", "sk-2"]) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ authorization: "[redacted]", headers: { authorization: "[redacted]", "x-api-key": "[redacted]" }, connection: { api_key: "[redacted]", name: "openai" } });
  });

  it("describes an error by class and a bounded message, never its stack", () => {
    const error = new TypeError("x".repeat(1000));
    const described = describeError(error);
    expect(described.error_name).toBe("TypeError");
    expect(described.error_message).toHaveLength(300);
    expect(JSON.stringify(described)).not.toContain("at ");
  });
});
