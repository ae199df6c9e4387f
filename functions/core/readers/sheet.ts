import type { Cell } from '../cell-values';

/** One spreadsheet row as the clerk sees it: its row number and its cells (0-based columns). */
export interface RawRow {
  number: number;
  cells: Cell[];
}

export interface RawSheet {
  /** Sheet name (xlsx) or null (csv). */
  name: string | null;
  rows: RawRow[];
}

/** A file that cannot be read at all: the reason is shown to the clerk as is. */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Technical detail from the parsing library, kept for support (not the clerk's message). */
    readonly detail: string | null = null,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}
