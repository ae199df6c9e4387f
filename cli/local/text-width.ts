/**
 * Columns on a terminal: a CJK character takes two cells, so `padEnd` misaligns unit names of
 * different lengths (中原区 / 郑州航空港经济综合实验区). East Asian Wide and Fullwidth ranges.
 */
function cells(ch: number): number {
  return (ch >= 0x1100 && ch <= 0x115f) ||
    (ch >= 0x2e80 && ch <= 0xa4cf) ||
    (ch >= 0xac00 && ch <= 0xd7a3) ||
    (ch >= 0xf900 && ch <= 0xfaff) ||
    (ch >= 0xfe30 && ch <= 0xfe4f) ||
    (ch >= 0xff00 && ch <= 0xff60) ||
    (ch >= 0xffe0 && ch <= 0xffe6) ||
    (ch >= 0x20000 && ch <= 0x3fffd)
    ? 2
    : 1;
}

export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += cells(ch.codePointAt(0)!);
  return w;
}

/** `s` padded with spaces to `width` terminal cells (never cut). */
export function padDisplay(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}
