import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readEnv } from '../env';

/**
 * AWS SDK v3 clients. In Lambda they use the defaults; the local runtime points them at the
 * embedded servers (TB_S3_ENDPOINT / TB_DYNAMODB_ENDPOINT, or an explicit endpoint): the
 * ordinary clients, no mocks.
 */
const region = () => {
  const env = readEnv();
  return env.region ?? env.defaultRegion ?? 'us-east-1';
};
/** s3rver's built-in account: for an endpoint set by hand (TB_S3_ENDPOINT); the local runtime has keys of its own. */
const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function makeS3Client(endpoint = readEnv().s3Endpoint, credentials = localCredentials): S3Client {
  return new S3Client({
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
  });
}

export function makeDocClient(endpoint = readEnv().dynamoEndpoint): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: region(),
    ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
