/**
 * Follows a FOCUS export as it arrives: each CSV line ends with its x_RequestId (request ids are
 * [A-Za-z0-9_-], never quoted), and a request's rows are consecutive, so counting changes of
 * the last cell counts requests written.
 */
export class ExportProgress {
  private remainder = "";
  private lastId: string | null = null;
  private isHeader = true;
  requests = 0;
  bytes = 0;

  push(text: string, byteLength: number): void {
    this.bytes += byteLength;
    const lines = (this.remainder + text).split("\n");
    this.remainder = lines.pop() ?? "";
    for (const line of lines) this.countLine(line);
  }

  finish(): void {
    if (this.remainder) this.countLine(this.remainder);
    this.remainder = "";
  }

  private countLine(line: string): void {
    if (this.isHeader) {
      this.isHeader = false;
      return;
    }
    const id = line.slice(line.lastIndexOf(",") + 1).trim();
    if (id && id !== this.lastId) {
      this.requests += 1;
      this.lastId = id;
    }
  }
}
