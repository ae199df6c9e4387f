import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env';
import type { PipelineFunction } from './pipeline-function';
import { stagePolicy } from './resources';

export interface DownloadLinksProps {
  /** The function that signs the links it mails (gets the secret and `ENV.portalUrl`). Required. */
  report: PipelineFunction;
  /** The function that checks the links and presigns the PDFs (gets the secret; it reads `reports/` already: infra/api.ts). Required. */
  portal: PipelineFunction;
  /** The portal's address, which the links point at. Required. */
  portalUrl: string;
}

/**
 * Bulletin links that outlive Lambda credentials (functions/core/portal/download-link.ts): the report
 * function signs `{portal}/download?…` with an HMAC key from Secrets Manager; the portal checks it
 * and presigns the S3 GET at click time with its own, current credentials.
 */
export class DownloadLinks extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: DownloadLinksProps) {
    super(scope, id);
    this.secret = new Secret(this, 'SigningKey', {
      description: 'three-batches: HMAC key of bulletin download links in mails',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      // Replacing the key would invalidate every link already mailed: retained in prod.
      removalPolicy: stagePolicy(this).removalPolicy,
    });
    for (const fn of [props.report, props.portal]) {
      this.secret.grantRead(fn);
      fn.addEnvironment(ENV.linkSecretArn, this.secret.secretArn);
    }
    props.report.addEnvironment(ENV.portalUrl, props.portalUrl);
  }
}
