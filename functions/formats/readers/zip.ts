import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { UnreadableFileError } from './sheet';

/**
 * Reading the parts of an .xlsx (a ZIP archive) from memory without ever trusting it:
 * - the central directory is read first (no inflating), entries are looked up by name;
 * - a part is inflated as a stream, chunk by chunk, to a consumer that keeps only what it needs;
 * - each part read to its end must match its CRC-32, as Excel requires;
 * - every inflated byte counts against one budget for the whole file, checked against the
 *   declared size before inflating and against the bytes actually produced while inflating
 *   (yauzl also stops an entry that inflates beyond its declared size). A decompression bomb is
 *   refused after at most `maxInflatedBytes` of work, in bounded memory;
 * - the archive must say one thing to every reader (checkEntries): no two entries of one part
 *   name, each local header naming its entry as the central directory does, no entry hidden
 *   from the central directory, no two entries sharing bytes. Otherwise which bytes are "the
 *   sheet" depends on the program (Excel, a streaming unzipper, this reader: "the later wins"),
 *   and a file could be read differently from what the clerk saw in Excel.
 */
export interface ZipLimits {
  /** Total inflated bytes allowed for all the parts read (default 200 MB). */
  maxInflatedBytes: number;
}

export const DEFAULT_MAX_INFLATED_BYTES = 200 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

const corrupt = (detail: string) =>
  new UnreadableFileError('Excel 文件已损坏或不完整，无法读取：请在 Excel 中打开确认内容后另存为 .xlsx 重新上传', 'corrupt', detail);

const RESAVE = '请在 Excel 中打开确认内容后另存为 .xlsx 重新上传';
/** An archive whose entries contradict each other: the part named and why, then what to do. */
const ambiguous = (what: string, detail: string) => new UnreadableFileError(`Excel 文件已损坏：${what}：${RESAVE}`, 'corrupt', detail);

/**
 * The key a part is looked up by. The Open Packaging Conventions (ECMA-376 Part 2) compare part
 * names as case-insensitive ASCII and forbid a package two equivalent names ("xl/SharedStrings.xml"
 * happens); yauzl has already turned a backslash into a slash (ZIP allows only "/"; Windows tools,
 * 7-Zip and yauzl read "\" as one). Two entries with one key are the same part twice.
 */
const partKey = (fileName: string) => fileName.toLowerCase();

/** A part name for a message: control characters (a damaged name) shown as "?", cut to 60 characters. */
function shown(name: string): string {
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 60)}…` : printable;
}

/** A name as the archive spells it (before yauzl's backslash fix), for a message. */
function spelled(e: yauzl.Entry): string {
  const raw = Buffer.from(e.fileNameRaw);
  return shown(e.generalPurposeBitFlag & 0x800 ? raw.toString('utf8') : raw.toString('latin1'));
}

const LOCAL_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Refuses an archive that different programs would read differently (see the top of this file).
 * `centralDirectory` is where the central directory starts: nothing but entries lies before it.
 */
export function checkEntries(buf: Buffer, entries: yauzl.Entry[], centralDirectory: number): void {
  const seen = new Map<string, yauzl.Entry>();
  for (const e of entries) {
    if (e.fileName.endsWith('/')) continue; // a folder, not a part
    const key = partKey(e.fileName);
    const first = seen.get(key);
    if (first) {
      const [a, b] = [spelled(first), spelled(e)];
      throw ambiguous(
        a === b ? `压缩包中的部件“${a}”出现了两次，无法确定以哪一份为准` : `压缩包中的部件“${a}”与“${b}”是同一部件（名称仅大小写或斜杠方向不同），无法确定以哪一份为准`,
        `duplicate entry ${JSON.stringify(first.fileName)}: ${JSON.stringify(a)} at ${first.relativeOffsetOfLocalHeader}, ${JSON.stringify(b)} at ${e.relativeOffsetOfLocalHeader}`,
      );
    }
    seen.set(key, e);
  }
  // Each entry's local header and data, in archive order.
  const spans = entries.map((e) => {
    const at = e.relativeOffsetOfLocalHeader;
    if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) throw corrupt(`${e.fileName}: no local header at ${at}`);
    const nameLength = buf.readUInt16LE(at + 26);
    const localName = buf.subarray(at + 30, at + 30 + nameLength);
    if (!localName.equals(e.fileNameRaw)) {
      const local = localName.toString(e.generalPurposeBitFlag & 0x800 ? 'utf8' : 'latin1');
      throw ambiguous(
        `压缩包中部件“${spelled(e)}”的本地文件头记载的名称却是“${shown(local)}”，两处不一致，无法确定这段内容属于哪个部件`,
        `${JSON.stringify(e.fileName)}: local header at ${at} names ${JSON.stringify(local)}`,
      );
    }
    return { e, start: at, end: at + 30 + nameLength + buf.readUInt16LE(at + 28) + e.compressedSize };
  });
  spans.sort((a, b) => a.start - b.start);
  // Walk the entries in archive order: `end` is where the bytes of those seen so far end, `owner` the entry that ends there.
  let end = 0;
  let owner: (typeof spans)[number] | null = null;
  for (let i = 0; i <= spans.length; i++) {
    const s = i < spans.length ? spans[i] : null;
    const next = s ? s.start : centralDirectory;
    if (owner && next < end) {
      if (!s) throw corrupt(`${JSON.stringify(owner.e.fileName)} [${owner.start}, ${end}) runs into the central directory at ${next}`);
      throw ambiguous(
        `压缩包中的部件“${spelled(owner.e)}”与“${spelled(s.e)}”的数据相互重叠（可能被恶意构造）`,
        `${JSON.stringify(owner.e.fileName)} [${owner.start}, ${end}) overlaps ${JSON.stringify(s.e.fileName)} at ${next}`,
      );
    }
    // Between entries there is room for a data descriptor, never for another local header.
    const hidden = next > end ? buf.subarray(0, next).indexOf(LOCAL_SIGNATURE, end) : -1;
    if (hidden >= 0) {
      const nameLength = hidden + 30 <= buf.length ? buf.readUInt16LE(hidden + 26) : 0;
      const name = buf.subarray(hidden + 30, Math.min(hidden + 30 + nameLength, buf.length)).toString('utf8');
      throw ambiguous(
        `压缩包中有未列入目录的隐藏部件“${shown(name)}”，不同程序读到的内容可能不同`,
        `local header at ${hidden} (${JSON.stringify(name)}) not in the central directory`,
      );
    }
    if (s && s.end > end) {
      end = s.end;
      owner = s;
    }
  }
}

export function tooMuchInflated(limit: number, detail: string): UnreadableFileError {
  return new UnreadableFileError(
    `Excel 文件解压后的内容超过 ${Math.round(limit / 1024 / 1024)} MB 上限，不是正常的报表文件（可能已损坏或被恶意构造）：请在 Excel 中打开确认后另存为 .xlsx 重新上传`,
    'inflated-too-large',
    detail,
  );
}

export class ZipArchive {
  private inflated = 0;
  private readonly byName = new Map<string, yauzl.Entry>();

  private constructor(
    private readonly zip: yauzl.ZipFile,
    entries: yauzl.Entry[],
    readonly limits: ZipLimits,
  ) {
    // Part names are case-insensitive in OPC ("xl/SharedStrings.xml" happens).
    for (const e of entries) this.byName.set(partKey(e.fileName), e);
  }

  static async open(bytes: Uint8Array, limits: ZipLimits): Promise<ZipArchive> {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromBufferPromise(buf, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true });
    } catch (e) {
      throw corrupt((e as Error).message);
    }
    if (zip.entryCount > MAX_ENTRIES) throw corrupt(`${zip.entryCount} entries`);
    // Where the central directory starts (yauzl reads the entries from there).
    const centralDirectory = (zip as unknown as { readEntryCursor: number }).readEntryCursor;
    const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
      const out: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        out.push(e);
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', (e: Error) => reject(corrupt(e.message)));
      zip.readEntry();
    });
    checkEntries(buf, entries, typeof centralDirectory === 'number' ? centralDirectory : buf.length);
    return new ZipArchive(zip, entries, limits);
  }

  has(name: string): boolean {
    return this.byName.has(partKey(name));
  }

  names(): string[] {
    return [...this.byName.values()].map((e) => e.fileName);
  }

  /** Bytes inflated so far (all parts). */
  get inflatedBytes(): number {
    return this.inflated;
  }

  /**
   * Streams one part to `onChunk`. The consumer may return `false` to stop early (e.g. it has
   * seen enough rows). Throws UnreadableFileError on a missing, encrypted, corrupt or oversized part.
   */
  async stream(name: string, onChunk: (chunk: Buffer) => boolean | void): Promise<void> {
    const entry = this.byName.get(partKey(name));
    if (!entry) throw corrupt(`missing part ${name}`);
    if (entry.isEncrypted()) {
      throw new UnreadableFileError('文件已加密（设置了打开密码）：请取消密码并另存为 .xlsx 后重新上传', 'encrypted', name);
    }
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new UnreadableFileError(
        'Excel 文件使用了不支持的压缩方式：请在 Excel 或 WPS 中打开后另存为 .xlsx 重新上传',
        'corrupt',
        `${name}: compression method ${entry.compressionMethod}`,
      );
    }
    const limit = this.limits.maxInflatedBytes;
    // The declared size first: an honest bomb is refused without inflating a byte.
    if (this.inflated + entry.uncompressedSize > limit) {
      throw tooMuchInflated(limit, `${name}: declares ${entry.uncompressedSize} bytes (${entry.compressedSize} compressed), ${this.inflated} already read`);
    }
    let stream: NodeJS.ReadableStream & { destroy(): void };
    try {
      stream = (await this.zip.openReadStreamPromise(entry)) as unknown as NodeJS.ReadableStream & { destroy(): void };
    } catch (e) {
      throw corrupt(`${name}: ${(e as Error).message}`);
    }
    // Deflate has no check of its own: a damaged byte can inflate to other, plausible cell text.
    // Excel refuses a part whose CRC-32 disagrees; so do we, when the part was read to its end.
    let crc = 0;
    let whole = true;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.inflated += chunk.length;
        // Never trust the declared size: count what actually comes out.
        if (this.inflated > limit) throw tooMuchInflated(limit, `${name}: inflated beyond ${limit} bytes`);
        crc = crc32(chunk, crc);
        if (onChunk(chunk) === false) {
          whole = false;
          break;
        }
      }
      if (whole && crc >>> 0 !== entry.crc32 >>> 0) throw corrupt(`${name}: CRC-32 ${(crc >>> 0).toString(16)}, expected ${(entry.crc32 >>> 0).toString(16)}`);
    } catch (e) {
      if (e instanceof UnreadableFileError) throw e;
      throw corrupt(`${name}: ${(e as Error).message}`);
    } finally {
      stream.destroy();
    }
  }

  /** A small part (workbook, relationships, styles) as text. */
  async text(name: string): Promise<string> {
    const chunks: Buffer[] = [];
    await this.stream(name, (c) => {
      chunks.push(c);
    });
    return decodeXmlBytes(Buffer.concat(chunks));
  }

  close(): void {
    this.zip.close();
  }
}

/** XML parts are UTF-8 (Excel, WPS, LibreOffice); UTF-16 with a BOM is legal and handled too. */
export function xmlDecoder(first: Uint8Array): TextDecoder {
  if (first[0] === 0xff && first[1] === 0xfe) return new TextDecoder('utf-16le');
  if (first[0] === 0xfe && first[1] === 0xff) return new TextDecoder('utf-16be');
  return new TextDecoder('utf-8');
}

export function decodeXmlBytes(b: Uint8Array): string {
  return xmlDecoder(b).decode(b);
}
