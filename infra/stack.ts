import { Annotations, CfnOutput, Fn, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ENV } from '../functions/adapters/env';
import type { Config } from '../functions/core/shared/config';
import { Analytics } from './analytics';
import { ConfigAudit } from './config-audit';
import { PortalApi } from './api';
import { DownloadLinks } from './download-links';
import { PipelineFunctions } from './functions';
import { SesMail, SmtpMail } from './mail';
import { Monitoring } from './monitoring';
import { applyNagSuppressions } from './nag';
import { MonthlySchedule } from './schedule';
import { EvaluationSchedule } from './evaluation-schedule';
import { type Settings, REPO_ROOT, senderDomain } from './settings';
import { STAGE_CONTEXT } from './resources';
import { Storage } from './storage';

export interface ThreeBatchesStackProps extends StackProps {
  /** The deploy-time settings from CDK context (`resolveSettings` in infra/settings.ts, which defaults each one). Required. */
  settings: Settings;
  /** The validated pipeline configuration (handed to every function as `ENV.config`, `TB_CONFIG`). Required. */
  config: Config;
  /** Repository root (entries, lock file, templates, node_modules). Default: this repository (`REPO_ROOT`). */
  projectRoot?: string;
}

/**
 * The whole pipeline:
 *   S3 raw incoming/ → SQS (+DLQ) → ingest λ → DynamoDB + curated/receipts
 *   Scheduler (monthly) → compute λ ─(on success)→ report λ (Chromium layer) → reports bucket + SES or SMTP
 *   Scheduler (run + N hours) → report λ {"check":"delivered"} → ReportMissing metric
 * plus alarms (DLQs, queue age, batch-item failures, errors, throttles, near-timeout durations,
 * API 5xx, SES reputation, the delivery check) to an SNS topic, and one dashboard.
 */
export class ThreeBatchesStack extends Stack {
  readonly storage: Storage;
  /** How the bulletin is mailed (`mailTransport` context): SES (identity + configuration set) or SMTP (server + account secret). */
  readonly mail: SesMail | SmtpMail;
  readonly functions: PipelineFunctions;
  readonly monthly: MonthlySchedule;
  readonly monitoring: Monitoring;
  readonly portal: PortalApi;
  readonly downloadLinks: DownloadLinks;
  /** The configuration on the audit trail at each deploy that changes it. */
  readonly configAudit: ConfigAudit;

  constructor(scope: Construct, id: string, props: ThreeBatchesStackProps) {
    super(scope, id, {
      description: 'three-batches: monthly ledger -> rates -> bulletin pipeline (Henan san-ge-yi-pi campaign)',
      ...props,
    });
    const { settings, config } = props;
    const projectRoot = props.projectRoot ?? REPO_ROOT;
    // Before any child: every construct below reads its removal policies from the stage (infra/resources.ts).
    this.node.setContext(STAGE_CONTEXT, settings.stage);

    const from = senderDomain(config.mail.from);
    const identity = settings.sesIdentity.toLowerCase();
    if (settings.mailTransport === 'ses' && from && from !== identity && !from.endsWith(`.${identity}`)) {
      Annotations.of(this).addWarningV2(
        'three-batches:sesSenderDomain',
        `mail.from (${config.mail.from}) is not in the SES identity domain ${settings.sesIdentity}: SES will refuse to send.`,
      );
    }

    this.storage = new Storage(this, 'Storage');
    // SES resources only when mailing through SES; in SMTP mode the stack has none.
    this.mail =
      settings.mailTransport === 'smtp' && settings.smtp
        ? new SmtpMail(this, 'Smtp', { smtp: settings.smtp })
        : new SesMail(this, 'Mail', { domain: settings.sesIdentity });
    this.functions = new PipelineFunctions(this, 'Functions', {
      projectRoot,
      config,
      storage: this.storage,
      mail: this.mail,
    });
    this.monthly = new MonthlySchedule(this, 'Monthly', {
      settings: settings.schedule,
      target: this.functions.compute,
      deliveryCheckTarget: this.functions.report,
      deadline: config.deadline,
      reminders: config.reminders,
    });
    new EvaluationSchedule(this, 'Evaluation', { report: this.functions.report, curated: this.storage.curated, dlq: this.monthly.dlq, enabled: settings.schedule.enabled });
    this.portal = new PortalApi(this, 'Portal', { projectRoot, config, storage: this.storage, compute: this.functions.compute, mail: this.mail });
    // The receipt mails' link to the portal (config `portalUrl` wins where it is set).
    if (this.functions.receiptMails) this.functions.ingest.addEnvironment(ENV.portalUrl, this.portal.url);
    this.downloadLinks = new DownloadLinks(this, 'DownloadLinks', {
      report: this.functions.report,
      portal: this.portal.handler,
      portalUrl: this.portal.url,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      alarmEmail: settings.alarmEmail,
      uploadQueue: this.storage.uploadQueue,
      api: this.portal.api,
      queues: {
        UploadDlq: this.storage.uploadDlq,
        SchedulerDlq: this.monthly.dlq,
        AsyncFailures: this.functions.asyncFailureQueue,
      },
      functions: {
        Ingest: this.functions.ingest,
        Compute: this.functions.compute,
        Export: this.functions.export,
        Report: this.functions.report,
        Portal: this.portal.handler,
      },
    });

    this.configAudit = new ConfigAudit(this, 'ConfigAudit', { projectRoot, config, table: this.storage.table });

    new Analytics(this, 'Analytics', { curated: this.storage.curated, accessLogs: this.storage.accessLogs });

    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    out('RawBucketName', this.storage.raw.bucketName, 'Raw uploads; county files go under incoming/');
    out('CuratedBucketName', this.storage.curated.bucketName, 'Curated ledgers (Arrow IPC / Parquet)');
    out('ReportsBucketName', this.storage.reports.bucketName, 'Bulletin PDFs and rates.json');
    out('TableName', this.storage.table.tableName, 'Single-table ledger / rates / send log');
    out('UploadDlqUrl', this.storage.uploadDlq.queueUrl, 'Uploads the ingest function failed 5 times');
    out('SchedulerDlqUrl', this.monthly.dlq.queueUrl, 'Monthly runs and delivery checks the scheduler could not invoke');
    out('AsyncFailureQueueUrl', this.functions.asyncFailureQueue.queueUrl, 'Compute, export and report invocations that failed after their retries');
    out('AlarmTopicArn', this.monitoring.topic.topicArn, 'Subscribe here for pipeline alarms');
    out('DashboardUrl', this.monitoring.dashboardUrl, 'The pipeline dashboard (CloudWatch console)');
    out('ComputeFunctionName', this.functions.compute.functionName, 'Invoke asynchronously (--invocation-type Event) with {"month":"YYYY-MM"} to rerun a month; the report follows');
    out('PortalUrl', this.portal.url, 'The upload portal (page, template and API); county clerks open it with their token');
    out('ReportFunctionName', this.functions.report.functionName, 'tb report --stack invokes this to re-render (and resend) a month');
    if (this.mail.kind === 'ses') {
      out('SesConfigurationSetName', this.mail.configurationSet.configurationSetName, 'SES configuration set');
      this.mail.identity.dkimRecords.forEach((record, i) => {
        out(`SesDkimRecord${i + 1}`, Fn.join(' ', [record.name, 'CNAME', record.value]), `DNS record ${i + 1} to verify ${settings.sesIdentity}`);
      });
    } else {
      out('SmtpServer', `${this.mail.host}:${this.mail.port}`, `SMTP server the bulletin is sent through (${this.mail.secure ? 'TLS' : 'STARTTLS'})`);
      out('SmtpAccountSecretArn', this.mail.secret.secretArn, 'Put the SMTP account here as {"username","password"} (aws secretsmanager put-secret-value)');
    }

    Tags.of(this).add('project', 'three-batches');
    applyNagSuppressions(this);
  }
}
