import { CustomResource, Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env';
import type { Config } from '../functions/core/shared/config';
import { tableKeys } from '../functions/core/shared/storage-keys';
import { SOURCE_MAPS_ENV } from './bundling';
import { ack, logicalId } from './nag-ack';
import { PipelineFunction } from './pipeline-function';
import { stageLogGroup } from './resources';

export interface ConfigAuditProps {
  /** Repository root (the handler's entry, lock file, node_modules). Required. */
  projectRoot: string;
  /** The validated pipeline configuration, exactly as the functions get it (`ENV.config`). Required. */
  config: Config;
  /** The single table; the handler may read and append the global audit trail's items only. Required. */
  table: ITable;
}

/**
 * The configuration change at deploy on the audit trail (issue 12; functions/deploy/config-audit.ts):
 * a custom resource whose one property is the pipeline configuration's JSON. CloudFormation
 * updates it when, and only when, that JSON changes, handing the handler the old and new values;
 * the handler appends a `config` record (who: `cdk deploy`, the configuration's SHA-256, the
 * top-level keys that changed) to `AUDIT#global`.
 *
 * The CDK Provider framework answers CloudFormation (its response protocol, retries, timeouts):
 * our handler only returns. The framework function gets a role and log group of ours (no managed
 * policy), so the whole construct is as least-privilege as the pipeline functions.
 */
export class ConfigAudit extends Construct {
  readonly handler: PipelineFunction;
  readonly provider: Provider;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ConfigAuditProps) {
    super(scope, id);
    const { projectRoot, config, table } = props;

    this.handler = new PipelineFunction(this, 'Handler', {
      projectRoot,
      entry: 'functions/deploy/handler.ts',
      service: 'deploy',
      description: 'Records each deploy that changes the pipeline configuration on the audit trail (CloudFormation custom resource)',
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: { [ENV.table]: table.tableName, ...SOURCE_MAPS_ENV },
      roleDescription: 'three-batches config-audit function (deploy time)',
    });
    // The global trail's partition only: read its config records, append one.
    this.handler.allow('AppendGlobalAudit', ['dynamodb:Query', 'dynamodb:PutItem'], [table.tableArn], {
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [tableKeys.audit(null)] },
    });

    const frameworkLogs = stageLogGroup(this, 'ProviderLogs');
    const frameworkRole = new Role(this, 'ProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'three-batches config-audit custom resource provider (CDK Provider framework)',
    });
    frameworkLogs.grantWrite(frameworkRole);
    this.provider = new Provider(this, 'Provider', {
      onEventHandler: this.handler,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogs,
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::ConfigAudit',
      properties: { Config: JSON.stringify(config) },
    });

    // The framework invokes the handler by ARN and by qualified ARN (versions): CDK's grantInvoke adds both.
    ack(frameworkRole, `AwsSolutions-IAM5[Resource::<${logicalId(this.handler)}.Arn>:*]`, 'lambda:InvokeFunction on the config-audit handler and its versions only (CDK Provider framework grant).');
  }
}
