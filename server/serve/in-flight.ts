import type { ServerResponse } from "node:http";

/** Counts the HTTP requests this process is answering (streams included), for draining at shutdown. */
export class InFlightRequests {
  count = 0;
  private readonly release = () => {
    this.count--;
  };

  track(response: ServerResponse): void {
    this.count++;
    response.once("close", this.release);
  }
}
