/**
 * Text as a reader sees it on screen or paper. Clerks' cells, headers and file names may carry
 * characters that show nothing but change what is shown: bidirectional overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069, which can make "ABC" display as "CBA" in an official document),
 * zero-width spaces and joiners, the BOM, soft hyphens, C0/C1 control characters, and lone
 * surrogates (not text at all). The pipeline removes them wherever text enters (cell values and
 * headers: cellText; file names: receipts and the portal), so two project codes that look the
 * same are the same code, and a receipt, a PDF, a mail and the portal all show the same thing.
 * Tab and line breaks are kept: a cell may have several lines.
 */
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Cf}\p{Cs}]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

/** `s` without invisible and display-controlling characters (itself when it has none: the hot path). */
export function visibleText(s: string): string {
  return HIDDEN.test(s) ? s.replace(HIDDEN_ALL, '') : s;
}

/** At most `max` characters (code points, never half a surrogate pair) for a message, with "…" when cut. */
export function clipText(s: string, max: number): string {
  let i = 0;
  for (let n = 0; i < s.length && n < max; n++) i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  return i >= s.length ? s : `${s.slice(0, i)}…`;
}
