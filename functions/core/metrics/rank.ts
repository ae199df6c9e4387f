/**
 * Competition ranking ("1, 2, 2, 4"), highest first. Null values are not ranked. Callers rank
 * the values as printed (core/shared/printed.ts; docs/metrics.md, "Ranks").
 *
 * Values within a tiny relative tolerance count as tied: two units with the same real rate
 * (e.g. a weighted score summed in a different order) must not be split by float noise.
 */
const TIE_EPS = 1e-9;

function tied(a: number, b: number): boolean {
  return Math.abs(a - b) <= TIE_EPS * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Ranks aligned with the input: result[i] is the rank of values[i] (null when values[i] is null). */
export function competitionRanks(values: ReadonlyArray<number | null>): Array<number | null> {
  const ranks: Array<number | null> = values.map(() => null);
  const order = values
    .map((v, i) => ({ v, i }))
    .filter((e): e is { v: number; i: number } => e.v !== null && Number.isFinite(e.v))
    .sort((a, b) => b.v - a.v || a.i - b.i);
  let prevRank = 0;
  order.forEach((e, pos) => {
    const rank = pos > 0 && tied(order[pos - 1].v, e.v) ? prevRank : pos + 1;
    ranks[e.i] = rank;
    prevRank = rank;
  });
  return ranks;
}

/** Ranks a list of items by a value; convenient when peers are objects. */
export function rankBy<T>(items: readonly T[], value: (item: T) => number | null): Map<T, number | null> {
  const ranks = competitionRanks(items.map(value));
  return new Map(items.map((item, i) => [item, ranks[i]]));
}
