import { type Config, parseConfig } from '../core/shared/config';

/** The pipeline configuration handed to every Lambda as TB_CONFIG (JSON); defaults when unset. */
export function configFromEnv(): Config {
  const raw = process.env.TB_CONFIG;
  return parseConfig(raw ? JSON.parse(raw) : {});
}
