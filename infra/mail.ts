import { Stack } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailIdentity, Identity, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env';
import { ack } from './nag-ack';
import { allowStatement } from './resources';
import type { SmtpSettings } from './settings';

/**
 * How the report function mails the bulletin, chosen at deploy (`mailTransport` context): SES, or
 * the province's own SMTP server where SES is not offered (the AWS China regions). Each grants the
 * function only what its own transport needs.
 */
export interface MailTransport {
  readonly kind: 'ses' | 'smtp';
  /** The report function's variables for this transport (names from `ENV`). */
  readonly environment: Record<string, string>;
  /** Lets `grantee` send through this transport, and nothing more. */
  grantSend(grantee: IGrantable): void;
}

export interface SesMailProps {
  /** Domain the bulletin is sent from, e.g. `example.gov.cn`. Required (the stack passes the `sesIdentity` context, default `example.gov.cn`). */
  domain: string;
}

/**
 * SES domain identity + configuration set. The DKIM CNAME records to publish in the domain's DNS
 * are exposed as stack outputs (the domain is usually not hosted in Route 53).
 */
export class SesMail extends Construct implements MailTransport {
  readonly kind = 'ses';
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly domain: string;
  readonly configurationSetArn: string;
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: SesMailProps) {
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
    // MAIL_TRANSPORT is left unset: SES is what the function uses in Lambda by default.
    this.environment = { [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName };
  }

  /** `ses:SendEmail`/`ses:SendRawEmail` on this identity and configuration set only. */
  grantSend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      allowStatement('SendBulletin', ['ses:SendEmail', 'ses:SendRawEmail'], [this.identity.emailIdentityArn, this.configurationSetArn]),
    );
  }
}

export interface SmtpMailProps {
  /** The server, and optionally the existing secret of its account (the `smtp` context). Required. */
  smtp: SmtpSettings;
}

/**
 * An SMTP server outside AWS, and the Secrets Manager secret of its account
 * (`{"username","password"}`). No SES resource exists in this mode.
 *
 * The secret: with `smtp.secretArn` the stack uses that existing secret (an organisation that
 * keeps its mail accounts in secrets of its own); otherwise it creates one, and ops put the
 * account in it after the first deploy (README "Mail transport"). Created, because then the stack
 * alone decides who may read it and `cdk deploy` needs no step before it; its generated value is
 * a placeholder with an empty username, which the mailer refuses by name until ops fill it.
 */
export class SmtpMail extends Construct implements MailTransport {
  readonly kind = 'smtp';
  readonly secret: ISecret;
  /** Whether this stack created the secret (`false`: `smtp.secretArn` named an existing one). */
  readonly secretCreated: boolean;
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: SmtpMailProps) {
    super(scope, id);
    const { host, port, secure, secretArn } = props.smtp;
    this.host = host;
    this.port = port;
    this.secure = secure;
    this.secretCreated = !secretArn;
    if (secretArn) {
      this.secret = Secret.fromSecretCompleteArn(this, 'Credentials', secretArn);
    } else {
      const created = new Secret(this, 'Credentials', {
        description: `three-batches: the SMTP account the bulletin is sent with (${host}:${port}); put {"username","password"} here`,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: '' }),
          generateStringKey: 'password',
          excludePunctuation: true,
        },
      });
      ack(
        created,
        'AwsSolutions-SMG4',
        "The SMTP password is issued by the mail server's operator: Secrets Manager cannot change it there, so a rotation Lambda could not rotate it. Ops replace the value when the operator issues a new password.",
      );
      this.secret = created;
    }
    this.environment = {
      [ENV.mailTransport]: 'smtp',
      [ENV.smtpHost]: host,
      [ENV.smtpPort]: String(port),
      [ENV.smtpSecure]: String(secure),
      [ENV.smtpSecretArn]: this.secret.secretArn,
    };
  }

  /**
   * `secretsmanager:GetSecretValue` on this one secret (not `grantRead`, which adds DescribeSecret).
   * A secret named by `secretArn` and encrypted with a customer-managed KMS key also needs that
   * key's policy to let the role decrypt: the stack does not know the key.
   */
  grantSend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(allowStatement('ReadSmtpAccount', ['secretsmanager:GetSecretValue'], [this.secret.secretArn]));
  }
}
