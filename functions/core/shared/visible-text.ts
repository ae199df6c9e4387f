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

/**
 * Code units that may be (part of) such a character: a superset of HIDDEN, tested by code
 * rather than by the Unicode-aware regex, which costs about 2.5× as much on the clean text of
 * every cell (ingest's hot path). Surrogates are suspects too (an astral format character, or a
 * lone half); only a suspect string goes to the regex.
 */
function suspect(c: number): boolean {
  if (c < 0x20) return c !== 0x09 && c !== 0x0a && c !== 0x0d;
  if (c < 0x7f) return false;
  return (
    c <= 0x9f ||
    c === 0xad ||
    (c >= 0x600 && c <= 0x8ff) ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x206f) ||
    (c >= 0xd800 && c <= 0xdfff) ||
    c === 0xfeff ||
    (c >= 0xfff9 && c <= 0xfffb)
  );
}

/** `s` without invisible and display-controlling characters (itself when it has none: the hot path). */
export function visibleText(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (suspect(s.charCodeAt(i))) return HIDDEN.test(s) ? s.replace(HIDDEN_ALL, '') : s;
  }
  return s;
}

/** At most `max` characters (code points, never half a surrogate pair) for a message, with "…" when cut. */
export function clipText(s: string, max: number): string {
  let i = 0;
  for (let n = 0; i < s.length && n < max; n++) i += s.codePointAt(i)! > 0xffff ? 2 : 1;
  return i >= s.length ? s : `${s.slice(0, i)}…`;
}
