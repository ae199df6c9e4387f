import type { Command } from 'commander';

/** `tb tokens` (being written). */
export function register(_program: Command): void {}
