import { expect, test } from "vitest";
import { ExportProgress } from "./export-progress";

test("counts requests across chunk boundaries, not lines", () => {
  const progress = new ExportProgress();
  const text = 'A,Tags,x_RequestId\n1,"{""team"":""a,b""}",req_1\n2,,req_1\n3,,req_2\n4,,req_3\n';
  for (let index = 0; index < text.length; index += 7) progress.push(text.slice(index, index + 7), 7);
  progress.finish();
  expect(progress.requests).toBe(3);
});

test("shares are exact, rounded half up to a tenth of a percent", async () => {
  const { decimalShare } = await import("./decimal-share");
  expect(decimalShare("0.000000000001", "0.000000000003")).toBe("33.3%");
  expect(decimalShare("2", "3")).toBe("66.7%");
  expect(decimalShare("1.5", "1.5")).toBe("100.0%");
  expect(decimalShare("0", "0")).toBe("—");
});
