import type { Command } from 'commander';
import { isReportingUnit } from '../../functions/core/shared/divisions';
import { UserError } from '../errors';

/** `tb serve [--port 8787] [--fresh] [--unit 411102]` (the work is in serve-run.ts, loaded when it runs). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('the upload portal locally: embedded S3/DynamoDB + ingest + the portal page and API on 127.0.0.1')
    .option('-p, --port <port>', 'port on 127.0.0.1', '8787')
    .option('--fresh', 'start from an empty store (default: reopen the data folder’s store)')
    .option('--unit <code>', 'reporting unit of the demo token', '411102')
    .action(async (o: { port: string; fresh?: boolean; unit: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port 应为 0–65535 的整数：${o.port}`);
      if (!isReportingUnit(o.unit)) throw new UserError(`--unit 应为报送单位代码（如 411102）：${o.unit}`);
      const { serveCommand } = await import('./serve-run');
      await serveCommand(program, { port, fresh: !!o.fresh, unit: o.unit });
    });
}
