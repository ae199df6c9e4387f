/**
 * One truth in the bulletin: every rank a sentence states — leaders, ties, laggards, a city's
 * place in the province — is the rank the tables print, on months built with near-ties (rates
 * that print alike but differ in the raw fraction, such as 81/94 and 75/87, both "86.2%").
 */
import { describe, expect, it } from 'vitest';
import { buildEditions } from '../../../functions/core/bulletin/editions';
import { PROSE_METRIC } from '../../../functions/core/bulletin/prose';
import type { BulletinModel, UnitRow } from '../../../functions/core/bulletin/view-model';
import { RATE_KEYS, type RateKey } from '../../../functions/core/metrics/rates-types';
import { parseConfig } from '../../../functions/core/shared/config';
import { rateTenths } from '../../../functions/core/shared/printed';
import { nearTieMonth } from '../../helpers/near-ties';

const config = parseConfig({});
/** Generated months per test: enough for hundreds of near-ties (counted below), quick enough for the unit suite. */
const SEEDS = 12;
type Metric = RateKey | 'score';
const METRICS: Array<[Metric, string]> = [...RATE_KEYS.map((k) => [k, PROSE_METRIC[k]] as [Metric, string]), ['score', '综合得分']];

/** What a sentence claims about one metric. */
interface Claim {
  metric: Metric;
  kind: 'top' | 'bottom' | 'tie' | 'full' | 'first';
  /** "前3位": how many places the claim covers. */
  places: number;
  names: string[];
  /** For 'tie': the stated rank. */
  rank?: number;
}

const names = (list: string) => list.split('、').map((n) => n.replace(/（[^）]*）$/, '').replace(/(\d+[市地]|，共 \d+ 个)$/, ''));

/** The claims of the 各地 paragraphs: each clause names its metric, or follows the one that did. */
function claims(paragraphs: string[]): Claim[] {
  const out: Claim[] = [];
  for (const p of paragraphs) {
    let metric: Metric | null = null;
    for (const clause of p.split(/[；。]/)) {
      const named = METRICS.find(([, word]) => clause.includes(word));
      if (named) metric = named[0];
      if (!metric) continue;
      const top = /居(?:全省|全市)?前(\d+)位的是([^，（]+)(?:（([^）]+)）)?/.exec(clause);
      if (top) {
        out.push({ metric, kind: 'top', places: Number(top[1]), names: names(top[2]) });
        for (const tie of (top[3] ?? '').split('，').filter(Boolean)) {
          const m = /^(.+)并列第(\d+)位$/.exec(tie)!;
          out.push({ metric, kind: 'tie', places: 0, names: names(m[1]), rank: Number(m[2]) });
        }
      }
      const first = /居(?:全省|全市)?首位的是([^，（]+)/.exec(clause);
      if (first) out.push({ metric, kind: 'first', places: 1, names: names(first[1]) });
      const tiedFirst = /并列(?:全省|全市)?第1位的是([^，]+)，均为/.exec(clause);
      if (tiedFirst) out.push({ metric, kind: 'tie', places: 0, names: names(tiedFirst[1]), rank: 1 });
      const full = /为100%的有(.+)$/.exec(clause);
      if (full) out.push({ metric, kind: 'full', places: 0, names: names(full[1]) });
      const bottom = /居(?:全省|全市)?(?:后(\d+)位|末位)的是(.+)$/.exec(clause);
      if (bottom) out.push({ metric, kind: 'bottom', places: Number(bottom[1] ?? 1), names: names(bottom[2]) });
    }
  }
  return out;
}

/** The table's printed rank of every unit for a metric ("—" rows left out). */
function tableRanks(rows: UnitRow[], metric: Metric): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const cell = metric === 'score' ? r.scoreRank : r.rates.find((c) => c.key === metric)!.rank;
    if (/^\d+$/.test(cell)) out.set(r.name, Number(cell));
  }
  return out;
}

function checkEdition(model: BulletinModel): number {
  const rows = model.units.table.rows;
  const found = claims(model.units.paragraphs);
  for (const c of found) {
    const ranks = tableRanks(rows, c.metric);
    const where = `${model.editionKey} ${c.metric} ${c.kind} ${c.names.join('、')}`;
    for (const n of c.names) expect(ranks.has(n), `${where}: ${n} has a rank in the table`).toBe(true);
    if (c.kind === 'top' || c.kind === 'first') {
      // Named: exactly the units the table ranks within the places (every tie at the boundary too).
      const expected = [...ranks].filter(([, r]) => r <= c.places).map(([n]) => n);
      expect(new Set(c.names), where).toEqual(new Set(expected));
    } else if (c.kind === 'tie') {
      for (const n of c.names) expect(ranks.get(n), `${where}: ${n}`).toBe(c.rank);
    } else if (c.kind === 'full') {
      for (const n of c.names) expect(ranks.get(n), `${where}: ${n}`).toBe(1);
    } else {
      // Laggards: counted from the bottom of the table's ranks (a unit's place from the end is
      // 1 + the units ranked strictly below it), never one of the leaders.
      const all = [...ranks.values()];
      const fromBottom = (r: number) => 1 + all.filter((x) => x > r).length;
      for (const n of c.names) expect(fromBottom(ranks.get(n)!), `${where}: ${n}`).toBeLessThanOrEqual(c.places);
    }
  }
  return found.length;
}

/** "居全省第7位" in a city edition's overview: its place among the 19, as the province table prints it. */
function checkCityPlaces(city: BulletinModel, province: BulletinModel): number {
  const rows = province.units.table.rows;
  const name = city.city!.shortName;
  let n = 0;
  for (const clause of city.overview.paragraphs.join('').split('；')) {
    const place = /居全省第(\d+)位/.exec(clause);
    if (!place) continue;
    const metric = METRICS.find(([, word]) => clause.includes(word))?.[0] ?? (clause.includes('投资完成率') ? 'investmentCompletion' : null);
    expect(metric, clause).not.toBeNull();
    expect(tableRanks(rows, metric!).get(name), `${name} ${metric}: ${clause}`).toBe(Number(place[1]));
    n++;
  }
  return n;
}

describe('ranks: what the sentences say is what the tables print', () => {
  it('two rates printed alike are ranked alike, whatever their raw fractions', () => {
    // In this month two city-level units both print 86.2% (81/94 and 75/87) for some rate.
    let seen = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const doc = nearTieMonth(seed, config);
      const cities = doc.units.filter((u) => u.level === 'city' && u.reported);
      for (const k of RATE_KEYS) {
        const byPrinted = new Map<number, Set<number | null>>();
        for (const u of cities) {
          const v = u.rates[k];
          if (v === null) continue;
          const key = rateTenths(v);
          byPrinted.set(key, (byPrinted.get(key) ?? new Set()).add(u.rank[k]));
        }
        for (const ranks of byPrinted.values()) {
          expect(ranks.size).toBe(1);
          if (ranks.size === 1 && cities.filter((u) => u.rank[k] === [...ranks][0]).length > 1) seen++;
        }
      }
    }
    expect(seen).toBeGreaterThan(20);
  });

  it(`on ${SEEDS} generated months, every leader, tie, laggard and 全省位次 stated agrees with the tables`, () => {
    let stated = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const [province, ...cities] = buildEditions(nearTieMonth(seed, config), config, { issuedOn: '2026-11-05' });
      stated += checkEdition(province);
      for (const city of cities) {
        stated += checkEdition(city);
        stated += checkCityPlaces(city, province);
      }
    }
    // The parser found the claims (a parser that matches nothing would pass vacuously).
    expect(stated).toBeGreaterThan(2000);
  });
});
