import type { Command } from 'commander';

/** `tb serve` (being written). */
export function register(_program: Command): void {}
