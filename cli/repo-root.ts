import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository the CLI works in (the portal page's sources, the templates). From source this
 * file sits in cli/; built (cli/bin/tb.mjs bundles the CLI into node_modules/.cache) it does not,
 * so the launcher says where the repository is.
 */
export const REPO_ROOT = process.env.TB_REPO_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
