import { makeDocClient } from '../adapters/aws/clients';
import { MonthRepository } from '../adapters/aws/month-repo';
import { readEnv } from '../adapters/env';
import { lambdaHandler } from '../adapters/lambda';
import { type ConfigAuditEvent, createConfigAudit } from './config-audit';

/** CloudFormation (through the CDK Provider framework) → the configuration on the audit trail. */
let audit: ReturnType<typeof createConfigAudit> | undefined;

export const handler = lambdaHandler(async (event: ConfigAuditEvent) => {
  if (!audit) {
    const env = readEnv(['table']);
    audit = createConfigAudit({ audit: new MonthRepository(makeDocClient(), env.table), now: () => new Date() });
  }
  return audit(event);
});
