import path from 'node:path';
import type { Duration, Size } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, type ILayerVersion, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { METRIC_NAMESPACE, type Service } from '../functions/core/shared/metric-names';
import { type BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { type AfterBundling, afterBundlingOnly, BASE_BUNDLING, type BundleTarget } from './bundling';
import { ack } from './nag-ack';
import { allowStatement, stageLogGroup } from './resources';

export interface PipelineFunctionProps {
  /** Repository root: `entry` is relative to it, and it holds `package-lock.json` and `node_modules`. Required. */
  projectRoot: string;
  /** The handler's source file, relative to `projectRoot`; it exports `handler`. Required. */
  entry: string;
  /**
   * The function's role: Powertools' service name, so its logs say which function wrote them and
   * its metrics carry the `service` dimension the dashboard reads (core/shared/metric-names.ts). Required.
   */
  service: Service;
  /** The function's description (Lambda console). Required. */
  description: string;
  /** Memory in MB (Lambda gives CPU in proportion). Required. */
  memorySize: number;
  /** How long one invocation may run. Required. */
  timeout: Duration;
  /** Instruction set. Default: `Architecture.ARM_64`. */
  architecture?: Architecture;
  /** Size of `/tmp`. Default: Lambda's 512 MiB. */
  ephemeralStorageSize?: Size;
  /** Concurrent executions reserved for (and the most allowed to) this function. Default: none (the account's pool). */
  reservedConcurrentExecutions?: number;
  /** Layers to attach. Default: none. */
  layers?: ILayerVersion[];
  /**
   * Variables the function shares with its siblings (names from `ENV` in functions/adapters/env.ts),
   * set first. Default: none. Spread `SOURCE_MAPS_ENV` into this or `environment` for mapped stack
   * traces: the caller places it, so that each function's variables keep their deployed order.
   */
  commonEnvironment?: Record<string, string>;
  /** The function's own variables, set after `commonEnvironment` (a name in both: this one wins). Default: none. */
  environment?: Record<string, string>;
  /** esbuild options laid over `BASE_BUNDLING` (e.g. `externalModules`). Default: `BASE_BUNDLING` as it is. */
  bundling?: BundlingOptions;
  /** Shell commands run after esbuild, to put what the bundle needs beside it. Default: none (no command hooks). */
  afterBundling?: AfterBundling;
  /** Description of the execution role. Default: `three-batches {id in lower case} function`. */
  roleDescription?: string;
}

/** Powertools' settings, the same for every function but its service (appended: deployed variables keep their order). */
export function powertoolsEnvironment(service: Service): Record<string, string> {
  return { POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE };
}

/**
 * A pipeline function: Node.js 22 bundled by esbuild from BASE_BUNDLING, JSON logs (application
 * INFO, system WARN) into its own log group (a year and retained in prod: `stageLogGroup`), and its own role that may write to
 * that log group and nothing else until granted (`allow`, or any `grant*(fn)`): no managed policies.
 *
 * Why it is shaped this way: it extends NodejsFunction, and it puts the log group (`{id}Logs`)
 * and the role (`{id}Role`) beside itself, in the scope it is given, not below itself. That is
 * where they were before this construct existed, and a construct's logical ID comes from its
 * path: so every function, log group, role and policy keeps its logical ID (and the function its
 * `aws:cdk:path`), and a deployed stack updates in place. A wrapper construct holding the function
 * as `Default` would keep the function's ID, but log groups and roles moved under it would get new
 * IDs: new roles replacing the old, and new log groups beside the old ones, which RETAIN leaves
 * behind, orphaned.
 */
export class PipelineFunction extends NodejsFunction {
  /** The function's own role (`{id}Role` beside it); `role` is the same, typed as always present. */
  readonly executionRole: Role;
  /**
   * What the CDK bundles the function from: the very `bundling` object handed to NodejsFunction
   * (BASE_BUNDLING, the function's overrides and its hooks), its entry and project root.
   * `esbuildOptions(bundle.options, { ...bundle, outputDir })` is the same esbuild build, for the
   * tests and benchmarks that build and run the bundles without cdk.out (cli/local/bundles.ts).
   */
  readonly bundle: { options: BundlingOptions } & Omit<BundleTarget, 'outputDir'>;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    // Siblings, created first (as they always were): see the class comment.
    const logGroup = stageLogGroup(scope, `${id}Logs`);
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: props.roleDescription ?? `three-batches ${id.toLowerCase()} function`,
    });
    logGroup.grantWrite(role);
    const { projectRoot, afterBundling } = props;
    const bundling: BundlingOptions = {
      ...BASE_BUNDLING,
      ...props.bundling,
      ...(afterBundling && { commandHooks: afterBundlingOnly(afterBundling) }),
    };
    super(scope, id, {
      entry: path.join(projectRoot, props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorageSize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      description: props.description,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      layers: props.layers,
      environment: { ...props.commonEnvironment, ...props.environment, ...powertoolsEnvironment(props.service) },
      // X-Ray: the Tracer (adapters/aws/clients.ts) adds a subsegment per AWS SDK call.
      tracing: Tracing.ACTIVE,
      bundling,
    });
    this.executionRole = role;
    this.bundle = { options: bundling, projectRoot, entry: props.entry };
    // Tracing adds xray:PutTraceSegments/PutTelemetryRecords on "*" to the role: X-Ray has no
    // resource-level permissions for them.
    ack(role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; the statement CDK adds for active tracing grants only those two actions.');
    // The runtime is pinned here, so its cdk-nag finding is acknowledged here.
    ack(
      this,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the project targets and tests for every function, and matches the tested @sparticuz/chromium build; upgrade deliberately, not by lint.',
    );
  }

  /** Adds an Allow statement with its own `sid` to the function's role. */
  allow(sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>): void {
    this.executionRole.addToPrincipalPolicy(allowStatement(sid, actions, resources, conditions));
  }
}
