import { existsSync, readFileSync } from 'node:fs';
import { type Config, parseConfig } from '../functions/core/shared/config';

/** Reads `tb.config.json` (or the given file); defaults when the default file is absent. */
export function loadConfigFile(path = 'tb.config.json', required = false): Config {
  if (!existsSync(path)) {
    if (required) throw new Error(`配置文件不存在：${path}`);
    return parseConfig({});
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`配置文件 ${path} 不是有效的 JSON：${(e as Error).message}`);
  }
  return parseConfig(json);
}
