import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describeError, logger } from "@/server/logger";
import type { RoutingState, SharedRoutingChange } from "./routing-state";

export interface SharedRoutingOptions {
  url: string;
  /** Prefix of the channel and keys (tests use a unique one each). */
  prefix?: string;
  commandTimeoutMs: number;
}

interface Message {
  origin: string;
  change: SharedRoutingChange;
}

/**
 * Circuit breakers and 429 cool-downs shared across replicas through Redis (README "Retries, fallbacks, circuit
 * breakers"). The hot path never waits on Redis: each replica decides from its own RoutingState, and only a state change
 * (a circuit opening or closing, a cool-down) is published, on one pub/sub channel; every other replica applies it
 * to its RoutingState as it arrives. An open circuit and a cool-down are also kept as keys that expire when they end,
 * so a replica that starts (or reconnects) while a circuit is open reads them and starts with it open. Redis down:
 * routing goes on per replica; changes made meanwhile are not replayed.
 */
export function shareRoutingState(state: RoutingState, options: SharedRoutingOptions): { ready: Promise<void>; stop(): Promise<void> } {
  const prefix = options.prefix ?? "mg:routing:";
  const channel = `${prefix}changes`;
  const origin = randomUUID();
  const connect = () =>
    new Redis(options.url, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, options.commandTimeoutMs),
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 5000),
    });
  const publisher = connect();
  const subscriber = connect();
  let lastWarnAt = 0;
  const warn = (message: string, error: unknown) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn(message, describeError(error));
  };
  publisher.on("error", (error) => warn("shared routing state: Redis unreachable; circuits stay per replica meanwhile", error));
  subscriber.on("error", (error) => warn("shared routing state: Redis unreachable; circuits stay per replica meanwhile", error));

  const keyOf = (change: SharedRoutingChange) => `${prefix}${change.kind === "cooldown" ? "cooldown" : "circuit"}:${change.key}`;

  state.share = (change) => {
    const message = JSON.stringify({ origin, change } satisfies Message);
    const pipeline = publisher.multi();
    if (change.kind === "closed") pipeline.del(keyOf(change));
    else pipeline.set(keyOf(change), JSON.stringify(change), "PX", Math.max(1, change.until - Date.now()));
    pipeline.publish(channel, message);
    pipeline.exec().catch((error) => warn("shared routing state: publishing a change failed", error));
  };

  const apply = (raw: string) => {
    try {
      const message = JSON.parse(raw) as Message;
      if (message.origin !== origin && message.change && typeof message.change.key === "string") state.applyShared(message.change);
    } catch (error) {
      warn("shared routing state: an unreadable message was ignored", error);
    }
  };

  /** What is open or cooling now, from the keys (after the subscription, so nothing published meanwhile is missed). */
  const catchUp = async () => {
    let cursor = "0";
    do {
      const [next, keys] = await publisher.scan(cursor, "MATCH", `${prefix}*:*`, "COUNT", 500);
      cursor = next;
      const values = keys.length > 0 ? await publisher.mget(...keys) : [];
      for (const value of values) if (value) apply(JSON.stringify({ origin: "", change: JSON.parse(value) }));
    } while (cursor !== "0");
  };

  subscriber.on("message", (from, raw) => {
    if (from === channel) apply(raw);
  });
  // On every (re)connect: subscribe, then read what is open now; `ready` resolves after the first time (or a failure).
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  subscriber.on("ready", () => {
    void subscriber
      .subscribe(channel)
      .then(() => catchUp())
      .catch((error) => warn("shared routing state: subscribing failed", error))
      .finally(() => markReady());
  });
  subscriber.connect().catch((error) => {
    warn("shared routing state: Redis unreachable at start; circuits stay per replica until it is back", error);
    markReady();
  });

  return {
    ready,
    async stop() {
      state.share = undefined;
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
