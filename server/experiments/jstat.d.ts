/** The part of jStat 1.9.6 (no published types) that server/experiments/ uses. */
declare module "jstat" {
  interface Distribution {
    cdf(x: number, ...parameters: number[]): number;
    inv(p: number, ...parameters: number[]): number;
  }
  /** module.exports is jStat itself (with a `jStat` property naming itself); Node's ESM loader sees only the default. */
  const jStat: {
    normal: Distribution;
    studentt: Distribution;
    beta: Distribution & { sample(alpha: number, beta: number): number };
    /** Replaces the uniform generator every sampler draws from (Math.random by default). */
    setRandom(random: () => number): void;
  };
  export { jStat };
  export default jStat;
}
