import { UnreadableFileError } from './sheet';
import { escapeMarkup } from '../../core/shared/markup';

/**
 * A small streaming XML tokenizer for the parts of an .xlsx (SpreadsheetML is plain, namespaced
 * XML without DTDs). Text arrives in chunks of any size; only the unfinished tail of the last
 * chunk is kept, and that tail is capped, so one huge element cannot make the process balloon.
 *
 * Deliberately not a general XML parser: no DTDs (a DOCTYPE is refused, so no entity expansion
 * of any kind — "billion laughs" cannot happen), only the five predefined entities and numeric
 * character references are decoded, namespace prefixes are stripped ("x:row" → "row").
 */
export interface XmlHandler {
  /** A start tag (or an empty-element tag, then `selfClosing`). `attrs` is the raw attribute text. */
  open(name: string, attrs: string, selfClosing: boolean): void;
  close(name: string): void;
  /** Character data (entity-encoded as in the file), only while `wantText` is true. */
  text(raw: string): void;
  /** Read before each run of character data: text outside the elements of interest is skipped. */
  readonly wantText: boolean;
}

/** Longest unfinished tail (characters) kept between chunks: far above any real cell or row. */
export const MAX_PENDING_CHARS = 4 * 1024 * 1024;

export class XmlScanner {
  private pending = '';

  constructor(
    private readonly handler: XmlHandler,
    private readonly part: string,
  ) {}

  feed(chunk: string): void {
    const s = this.pending.length ? this.pending + chunk : chunk;
    const h = this.handler;
    const n = s.length;
    let pos = 0;
    for (;;) {
      const lt = s.indexOf('<', pos);
      if (lt < 0) {
        // Character data that may continue in the next chunk: keep it pending.
        break;
      }
      if (lt > pos && h.wantText) h.text(s.slice(pos, lt));
      if (lt + 1 >= n) {
        pos = lt;
        break;
      }
      const c = s.charCodeAt(lt + 1);
      if (c === 0x21 /* ! */) {
        if (s.startsWith('<!--', lt)) {
          const end = s.indexOf('-->', lt + 4);
          if (end < 0) {
            pos = lt;
            break;
          }
          pos = end + 3;
          continue;
        }
        if (s.startsWith('<![CDATA[', lt)) {
          const end = s.indexOf(']]>', lt + 9);
          if (end < 0) {
            pos = lt;
            break;
          }
          // CDATA is literal text: escaped here so that the handler's decodeEntities gives it back as written.
          if (h.wantText) h.text(escapeMarkup(s.slice(lt + 9, end)));
          pos = end + 3;
          continue;
        }
        if (n - lt < 9) {
          pos = lt;
          break;
        }
        throw new UnreadableFileError('Excel 文件包含不支持的 XML 声明（DOCTYPE），无法读取：请在 Excel 中另存为 .xlsx 后重新上传', 'corrupt', `${this.part}: DOCTYPE`);
      }
      const gt = tagEnd(s, lt + 1);
      if (gt < 0) {
        pos = lt;
        break;
      }
      pos = gt + 1;
      if (c === 0x3f /* ? */) continue; // <?xml …?>
      if (c === 0x2f /* / */) {
        h.close(localName(s.slice(lt + 2, gt).trim()));
        continue;
      }
      let end = gt;
      const selfClosing = s.charCodeAt(gt - 1) === 0x2f;
      if (selfClosing) end = gt - 1;
      // The tag name ends at the first whitespace.
      let i = lt + 1;
      while (i < end) {
        const ch = s.charCodeAt(i);
        if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) break;
        i++;
      }
      h.open(localName(s.slice(lt + 1, i)), i < end ? s.slice(i, end) : '', selfClosing);
    }
    this.pending = pos < n ? s.slice(pos) : '';
    if (this.pending.length > MAX_PENDING_CHARS) {
      throw new UnreadableFileError(
        'Excel 文件中有单个单元格或行的内容过大，超出处理上限：请检查文件是否正确，删除无关内容后重新上传',
        'too-complex',
        `${this.part}: ${this.pending.length} characters without a complete element`,
      );
    }
  }

  end(): void {
    if (this.pending.trim().length && this.pending.includes('<')) {
      throw new UnreadableFileError('Excel 文件已损坏或不完整（内容被截断），无法读取：请重新保存后上传', 'corrupt', `${this.part}: unterminated element at end`);
    }
    this.pending = '';
  }
}

/** Index of the '>' closing a tag, skipping quoted attribute values ("[>=100]" is legal there). */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from, n = s.length; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === 0x3e) return i;
    else if (ch === 0x22 || ch === 0x27) quote = ch;
  }
  return -1;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

const ENTITY_RE = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; anything else stays literal. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(ENTITY_RE, (m, e: string) => {
    if (e.charCodeAt(0) !== 0x23) return NAMED[e];
    const cp = e.charCodeAt(1) === 0x78 ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

/** OOXML escapes characters XML cannot hold as `_xHHHH_` (e.g. `_x000D_` for CR) in cell text. */
export function decodeOoxmlEscapes(s: string): string {
  if (s.indexOf('_x') < 0) return s;
  return s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const ATTR_RE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** All attributes of a tag by local name (prefixes stripped), values decoded. */
export function parseAttrs(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  ATTR_RE.lastIndex = 0;
  for (let m = ATTR_RE.exec(raw); m; m = ATTR_RE.exec(raw)) {
    out[localName(m[1])] = decodeEntities(m[2] ?? m[3] ?? '');
  }
  return out;
}

/**
 * One attribute, fast: the cell and row tags are the hot path (hundreds of thousands per
 * file), so no object is built for them. Matches ` name="…"` or ` name='…'` exactly.
 */
export function attr(raw: string, name: string): string | null {
  let from = 0;
  for (;;) {
    const i = raw.indexOf(name, from);
    if (i < 0) return null;
    const before = i === 0 ? 0x20 : raw.charCodeAt(i - 1);
    let j = i + name.length;
    from = j;
    if (before !== 0x20 && before !== 0x0a && before !== 0x0d && before !== 0x09) continue;
    while (raw.charCodeAt(j) === 0x20) j++;
    if (raw.charCodeAt(j) !== 0x3d /* = */) continue;
    j++;
    while (raw.charCodeAt(j) === 0x20) j++;
    const q = raw.charCodeAt(j);
    if (q !== 0x22 && q !== 0x27) continue;
    const end = raw.indexOf(q === 0x22 ? '"' : "'", j + 1);
    if (end < 0) return null;
    return decodeEntities(raw.slice(j + 1, end));
  }
}
