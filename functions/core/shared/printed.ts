/**
 * Values as the documents print them, as integers: what "equal" means wherever one value is
 * compared with another — ranks in rates.json and in every table, the sentences that name
 * leaders and ties, the charts' order, thresholds. Two rates that both print "86.2%" are equal
 * (docs/metrics.md, "Ranks").
 *
 * Rounding is half away from zero (四舍五入) on the decimal value a person would write down,
 * not on the binary float: 0.5705 is stored as 0.570499999…, yet it reads "57.1%". To get there
 * the scaled value is first cut to 12 significant digits (which removes float noise from any
 * value computed from ledger data) and only then rounded.
 */

/**
 * `value` rounded half away from zero to `decimals` places, as an integer count of
 * 10^-decimals units (0.5705, 3 → 571). Exact integer arithmetic from there on.
 */
export function roundScaled(value: number, decimals: number): number {
  const scaled = Math.abs(value) * 10 ** decimals;
  const cleaned = Number(scaled.toPrecision(12));
  const units = Math.floor(cleaned + 0.5);
  return value < 0 ? -units : units;
}

/** Tenths of a percentage point of a fraction, as shown ("57.1%" → 571). */
export function rateTenths(x: number): number {
  return roundScaled(x, 3);
}

/** Tenths of a 综合得分 or any one-decimal figure as printed (71.25 → 713). */
export function tenths(x: number): number {
  return roundScaled(x, 1);
}

/** A rate as printed, or null: what rates are ranked on. */
export function printedRate(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? rateTenths(x) : null;
}

/** A score as printed, or null: what scores are ranked on. */
export function printedScore(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? tenths(x) : null;
}
