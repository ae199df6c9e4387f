import { Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { allowStatement } from './resources';

export interface MailProps {
  /** Domain the bulletin is sent from, e.g. `example.gov.cn`. Required (the stack passes the `sesIdentity` context, default `example.gov.cn`). */
  domain: string;
}

/**
 * SES domain identity + configuration set. The DKIM CNAME records to publish in the domain's DNS
 * are exposed as stack outputs (the domain is usually not hosted in Route 53).
 */
export class Mail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly domain: string;
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.domain = props.domain;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(props.domain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  /** `ses:SendEmail`/`ses:SendRawEmail` on this identity and configuration set only. */
  grantSend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      allowStatement('SendBulletin', ['ses:SendEmail', 'ses:SendRawEmail'], [this.identity.emailIdentityArn, this.configurationSetArn]),
    );
  }
}
