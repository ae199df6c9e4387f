import { existsSync, readFileSync } from 'node:fs';
import { type Config, parseConfig } from '../functions/core/shared/config';
import { UserError } from './errors';

/** Reads `tb.config.json` (or the given file); defaults when the default file is absent. */
export function loadConfigFile(path = 'tb.config.json', required = false): Config {
  if (!existsSync(path)) {
    if (required) throw new UserError(`配置文件不存在：${path}（去掉 --config 则用默认配置）`);
    return parseConfig({});
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`配置文件 ${path} 不是有效的 JSON：${(e as Error).message}`);
  }
  try {
    return parseConfig(json);
  } catch (e) {
    // parseConfig lists every bad field; here they are the file's.
    const fields = (e as Error).message.split('\n').slice(1).map((l) => l.trim()).filter(Boolean);
    throw new UserError(`配置文件 ${path} 有误：${fields.join('；')}`);
  }
}
