import { Aws, CfnOutput, Duration, Stack, Token } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { ManagedPolicy } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIX } from '../functions/core/shared/storage-keys';
import { ledgerGlueColumns } from './glue-columns';
import { ack, objectWildcard } from './nag-ack';
import { allowStatement, objectsArn, stagePolicy } from './resources';
import { LEDGER_TABLE, loadSavedQueries, MONTH_PARTITION, type SavedQuery } from './saved-queries';

export { LEDGER_TABLE, MONTH_PARTITION };

/**
 * The first month the table projects: earlier than any month the pipeline has computed. A month
 * before it is invisible to Athena (`firstMonth` moves it).
 */
export const DEFAULT_FIRST_MONTH = '2021-01';

/** How long query results stay in the results bucket: they are re-runnable copies, not records. */
export const RESULTS_EXPIRY = Duration.days(30);

/** A query that would scan more than this is cancelled (the whole ledger of years is far less). */
export const BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
};

export interface AnalyticsProps {
  /** The curated bucket: the table reads its `ledger/` prefix. */
  curated: IBucket;
  /** Where the results bucket's server access logs go (the stack's access-log bucket). */
  accessLogs: IBucket;
  /** First month of the partition projection, YYYY-MM. Default DEFAULT_FIRST_MONTH. */
  firstMonth?: string;
  /** The saved queries (default: every `queries/*.sql`). */
  queries?: SavedQuery[];
}

/** The stack's name, for the names of the database and the workgroup (one pair per stack in an account). */
function stackNameOf(stack: Stack): string {
  return Token.isUnresolved(stack.stackName) ? 'ThreeBatches' : stack.stackName;
}

/** A Glue database name Athena can use: lower case, letters, digits and `_` only (ThreeBatches-dev → threebatches_dev). */
export function catalogName(stackName: string): string {
  return stackName.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

/**
 * SQL for analysts on the curated Parquet (docs/architecture.md, "SQL for analysts"):
 * - a Glue Data Catalog database and the table `ledger` over `s3://{curated}/ledger/`, with
 *   partition projection on `month` (type date, yyyy-MM, from `firstMonth` to NOW), so a new
 *   month is queryable the moment compute writes it, with no crawler and no MSCK REPAIR;
 * - an Athena workgroup (engine 3) that enforces its own results bucket (SSE-S3, TLS only,
 *   results expire after RESULTS_EXPIRY) and a per-query scan cutoff;
 * - the saved queries of `queries/*.sql` as named queries of that workgroup;
 * - a managed policy to attach to analysts: queries in that workgroup only, Glue read on the
 *   database and table, S3 read on curated `ledger/` only, write on the results bucket.
 */
export class Analytics extends Construct {
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly results: Bucket;
  readonly workGroup: CfnWorkGroup;
  readonly namedQueries: CfnNamedQuery[];
  readonly analystPolicy: ManagedPolicy;
  readonly databaseName: string;
  readonly workGroupName: string;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const stage = stagePolicy(this);
    const firstMonth = props.firstMonth ?? DEFAULT_FIRST_MONTH;
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(firstMonth)) throw new Error(`Analytics: firstMonth must be YYYY-MM (got ${firstMonth})`);
    this.databaseName = catalogName(stackNameOf(stack));
    this.workGroupName = `${stackNameOf(stack)}-analysts`;
    const { curated } = props;

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: '三个一批 台账（curated Parquet），供分析人员用 Athena 查询' },
    });

    const location = `s3://${curated.bucketName}/${PREFIX.curated}`;
    this.table = new CfnTable(this, 'LedgerTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: LEDGER_TABLE,
        description: '各月现行台账：每个报送单位当月计入的那次上报的全部项目，一行一个项目（docs/ledger-format.md）',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: MONTH_PARTITION, type: 'string', comment: '报告月份 YYYY-MM' }],
        parameters: {
          EXTERNAL: 'TRUE',
          classification: 'parquet',
          'parquet.compression': 'SNAPPY',
          // Partition projection: Athena computes the month folders itself (no partitions in Glue).
          'projection.enabled': 'true',
          [`projection.${MONTH_PARTITION}.type`]: 'date',
          [`projection.${MONTH_PARTITION}.format`]: 'yyyy-MM',
          [`projection.${MONTH_PARTITION}.range`]: `${firstMonth},NOW`,
          [`projection.${MONTH_PARTITION}.interval`]: '1',
          [`projection.${MONTH_PARTITION}.interval.unit`]: 'MONTHS',
          'storage.location.template': `${location}${MONTH_PARTITION}=\${${MONTH_PARTITION}}/`,
        },
        storageDescriptor: {
          location,
          columns: ledgerGlueColumns(),
          inputFormat: PARQUET.inputFormat,
          outputFormat: PARQUET.outputFormat,
          serdeInfo: { serializationLibrary: PARQUET.serde },
        },
      },
    });
    this.table.addResourceDependency(this.database);

    this.results = new Bucket(this, 'Results', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: stage.removalPolicy,
      autoDeleteObjects: stage.autoDeleteObjects,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [{ id: 'expire-query-results', expiration: RESULTS_EXPIRY, abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: '三个一批 分析人员的 Athena 工作组（结果写入本工作组专用的桶）',
      state: 'ENABLED',
      // The stack's removal deletes the workgroup with its saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.results.bucketName}/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    this.namedQueries = (props.queries ?? loadSavedQueries()).map(
      (q) =>
        new CfnNamedQuery(this, `Query-${q.name}`, {
          name: q.name,
          description: q.params.length ? `${q.summary}（参数：${[...new Set(q.params.map((p) => p.name))].join('、')}）` : q.summary,
          database: this.databaseName,
          queryString: q.sql,
          workGroup: this.workGroup.ref,
        }),
    );
    for (const q of this.namedQueries) q.addResourceDependency(this.table);

    const workGroupArn = stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName });
    const glue = (resource: string, name?: string) => stack.formatArn({ service: 'glue', resource, resourceName: name });
    this.analystPolicy = new ManagedPolicy(this, 'AnalystPolicy', {
      description: 'Analysts: Athena queries in the three-batches workgroup on the curated ledger table (read only)',
      statements: [
        allowStatement(
          'QueryInWorkGroup',
          [
            'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults',
            'athena:GetQueryResultsStream', 'athena:ListQueryExecutions', 'athena:BatchGetQueryExecution', 'athena:GetWorkGroup',
            'athena:ListNamedQueries', 'athena:GetNamedQuery', 'athena:BatchGetNamedQuery',
          ],
          [workGroupArn],
        ),
        // The console lists workgroups before anything else; the action has no resource-level permission.
        allowStatement('ListWorkGroups', ['athena:ListWorkGroups'], ['*']),
        allowStatement(
          'ReadCatalog',
          ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
          [glue('catalog'), glue('database', this.databaseName), glue('table', `${this.databaseName}/${LEDGER_TABLE}`)],
        ),
        allowStatement('ReadLedger', ['s3:GetObject'], [objectsArn(curated, PREFIX.curated)]),
        allowStatement('ListLedger', ['s3:ListBucket'], [curated.bucketArn], { StringLike: { 's3:prefix': [PREFIX.curated, `${PREFIX.curated}*`] } }),
        allowStatement('LocateBuckets', ['s3:GetBucketLocation'], [curated.bucketArn, this.results.bucketArn]),
        allowStatement('WriteResults', ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], [objectsArn(this.results, '')]),
        allowStatement('ListResults', ['s3:ListBucket', 's3:ListBucketMultipartUploads'], [this.results.bucketArn]),
      ],
    });

    const out = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description }).overrideLogicalId(name);
    out('AthenaWorkGroupName', this.workGroup.ref, 'Athena workgroup for analysts (its saved queries: city-rates, unit-history, stalled-projects)');
    out('GlueDatabaseName', this.database.ref, `Glue database; the table ${LEDGER_TABLE} is the curated ledger, partitioned by ${MONTH_PARTITION}`);
    out('AnalystPolicyArn', this.analystPolicy.managedPolicyArn, 'Attach to analysts’ IAM users or roles to query the ledger in the workgroup');

    this.acknowledgeNag(curated);
  }

  /** cdk-nag findings of the analysts' policy, each acknowledged with its reason (as infra/nag.ts does for the pipeline). */
  private acknowledgeNag(curated: IBucket): void {
    const objects = (what: string) => `Object-level access is scoped to ${what}; object keys are per month or per query and cannot be listed in a policy.`;
    ack(this.analystPolicy, objectWildcard(curated, PREFIX.curated), objects(`the curated bucket's ${PREFIX.curated} prefix (read only: the table's Parquet files)`));
    ack(this.analystPolicy, objectWildcard(this.results, ''), objects('the Athena results bucket, which holds nothing but query results'));
    ack(this.analystPolicy, 'AwsSolutions-IAM5[Resource::*]', 'athena:ListWorkGroups has no resource-level permission (it lists workgroup names only); every other action is scoped to the workgroup, the database and table, or the two buckets.');
  }
}
