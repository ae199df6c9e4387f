import type { Command } from 'commander';

/** `tb report` (being written). */
export function register(_program: Command): void {}
