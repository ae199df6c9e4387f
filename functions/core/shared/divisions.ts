import { DIVISIONS_CSV } from './divisions-data';

/** A city-level unit (17 cities, 济源, 航空港区) or a county-level division. */
export interface Division {
  code: string;
  name: string;
  cityCode: string;
  cityName: string;
  level: 'city' | 'county';
}

export const PROVINCE_CODE = '410000';
export const PROVINCE_NAME = '河南省';

const all: Division[] = DIVISIONS_CSV.split('\n')
  .slice(1)
  .map((line) => {
    const [code, name, cityCode, cityName, level] = line.trim().split(',');
    return { code, name, cityCode, cityName, level: level as Division['level'] };
  });

/** The 19 city-level units, in code order: the peers for city ranks. */
export const CITIES: readonly Division[] = all.filter((d) => d.level === 'city');

/**
 * Reporting units (who upload a ledger): every county, plus the city-level units that have
 * no counties of their own and report for themselves (济源 419001, 航空港区 410173).
 */
export const REPORTING_UNITS: readonly Division[] = (() => {
  const citiesWithCounties = new Set(all.filter((d) => d.level === 'county').map((d) => d.cityCode));
  return all
    .filter((d) => d.level === 'county' || !citiesWithCounties.has(d.code))
    .sort((a, b) => a.code.localeCompare(b.code));
})();

const byCode = new Map(all.map((d) => [d.code, d]));
const reportingCodes = new Set(REPORTING_UNITS.map((d) => d.code));

export function division(code: string): Division | undefined {
  return byCode.get(code);
}

export function isReportingUnit(code: string): boolean {
  return reportingCodes.has(code);
}

/** The reporting units that roll up into a city-level unit (a self-reporting city: itself). */
export function reportingUnitsOf(cityCode: string): Division[] {
  return REPORTING_UNITS.filter((d) => d.cityCode === cityCode);
}

/** The official name of a division, or its code when it is none (a code from a file). */
export function unitName(code: string): string {
  return division(code)?.name ?? code;
}

/** Short name used in bulletins: 郑州市 → 郑州, 郑州航空港经济综合实验区 → 航空港区. */
export function shortName(d: Division): string {
  if (d.code === '410173') return '航空港区';
  if (d.level === 'city') return d.name.replace(/市$/, '');
  return d.name;
}

