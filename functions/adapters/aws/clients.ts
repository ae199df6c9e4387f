import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function makeS3Client(endpoint = readEnv().s3Endpoint): S3Client {
  return new S3Client({
    region: region(),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          credentials: localCredentials,
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
  enforceDynamoLimits(client);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
