/**
 * CDK app entry (`cdk.json` → `npx tsx infra/app.ts`). Reads the context (see `settings.ts`),
 * validates the pipeline config file with the handlers' own parser, and builds the
 * environment-agnostic stack (`-c stage=dev`: `{stackName}-dev`, which `cdk destroy` removes whole).
 * `cdk synth -c nag=true` also runs cdk-nag's AwsSolutions pack.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { deployedStackName, loadPipelineConfig, resolveSettings } from './settings';
import { ThreeBatchesStack } from './stack';

const app = new App();
const settings = resolveSettings((key) => app.node.tryGetContext(key));
const config = loadPipelineConfig(settings.configFile);

new ThreeBatchesStack(app, deployedStackName(settings), { settings, config });

if (settings.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
