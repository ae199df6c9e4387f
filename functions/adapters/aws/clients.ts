import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { readEnv } from '../env';
import { enforceDynamoLimits } from './item-limits';

/**
 * AWS SDK v3 clients. In Lambda they use the defaults; the local runtime points them at the
 * embedded servers (TB_S3_ENDPOINT / TB_DYNAMODB_ENDPOINT, or an explicit endpoint): the
 * ordinary clients, no mocks.
 */
const region = () => {
  const env = readEnv();
  return env.region ?? env.defaultRegion ?? 'us-east-1';
};
/**
 * X-Ray (Powertools Tracer): every AWS SDK call of a Lambda is a subsegment of its trace. The
 * tracer turns itself off outside Lambda (no AWS_EXECUTION_ENV), so local runs are not traced.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'three-batches' });

/** s3rver's built-in account: for an endpoint set by hand (TB_S3_ENDPOINT); the local runtime has keys of its own. */
const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function makeS3Client(endpoint = readEnv().s3Endpoint, credentials = localCredentials): S3Client {
  return traced(new S3Client({
    region: region(),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          credentials,
          // s3rver does not understand the newer default checksum headers.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  }));
}

/** The client, its calls captured by the tracer (itself when tracing is off). */
function traced<C extends S3Client | DynamoDBClient | LambdaClient>(client: C): C {
  return tracer.isTracingEnabled() ? tracer.captureAWSv3Client(client) : client;
}

export function makeDocClient(endpoint = readEnv().dynamoEndpoint): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: region(),
    ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
  });
  enforceDynamoLimits(client);
  return DynamoDBDocumentClient.from(traced(client), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

/** Lambda (the portal invokes the compute function asynchronously for the control panel). */
export function makeLambdaClient(): LambdaClient {
  return traced(new LambdaClient({ region: region() }));
}
