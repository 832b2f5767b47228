/** The part of jStat 1.9.6 (no published types) that server/experiments/statistics.ts uses. */
declare module "jstat" {
  interface Distribution {
    cdf(x: number, ...parameters: number[]): number;
    inv(p: number, ...parameters: number[]): number;
  }
  export const jStat: { normal: Distribution; studentt: Distribution };
}
