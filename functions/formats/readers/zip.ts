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
 *   refused after at most `maxInflatedBytes` of work, in bounded memory.
 */
export interface ZipLimits {
  /** Total inflated bytes allowed for all the parts read (default 200 MB). */
  maxInflatedBytes: number;
}

export const DEFAULT_MAX_INFLATED_BYTES = 200 * 1024 * 1024;
const MAX_ENTRIES = 10_000;

const corrupt = (detail: string) =>
  new UnreadableFileError('Excel 文件已损坏或不完整，无法读取：请在 Excel 中打开确认内容后另存为 .xlsx 重新上传', 'corrupt', detail);

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
    for (const e of entries) this.byName.set(e.fileName.toLowerCase(), e);
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
    return new ZipArchive(zip, entries, limits);
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
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
    const entry = this.byName.get(name.toLowerCase());
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
