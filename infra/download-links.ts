import { RemovalPolicy } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env';
import { PREFIX } from '../functions/core/shared/storage-keys';

export interface DownloadLinksProps {
  report: NodejsFunction;
  portal: NodejsFunction;
  portalUrl: string;
  reports: Bucket;
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
      // Replacing the key would invalidate every link already mailed.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const fn of [props.report, props.portal]) {
      this.secret.grantRead(fn);
      fn.addEnvironment(ENV.linkSecretArn, this.secret.secretArn);
    }
    props.report.addEnvironment(ENV.portalUrl, props.portalUrl);
    props.portal.addEnvironment(ENV.reportsBucket, props.reports.bucketName);
    // The portal reads bulletin PDFs only (to presign them), nothing else of the reports bucket.
    props.portal.addToRolePolicy(
      new PolicyStatement({
        sid: 'PresignBulletins',
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        resources: [`${props.reports.bucketArn}/${PREFIX.reports}*`],
      }),
    );
  }
}
