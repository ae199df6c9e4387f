import { fileURLToPath } from 'node:url';
import { readEnv } from '../env';

/** `TB_TEMPLATES_DIR`, else `<repo>/templates` relative to this module. */
export function templatesDir(): string {
  return readEnv().templatesDir ?? fileURLToPath(new URL('../../../templates/', import.meta.url));
}
