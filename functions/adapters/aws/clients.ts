import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * AWS SDK v3 clients. In Lambda they use the defaults; the local runtime points them at the
 * embedded servers with TB_S3_ENDPOINT / TB_DYNAMODB_ENDPOINT (the ordinary clients, no mocks).
 */
const region = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export function makeS3Client(endpoint = process.env.TB_S3_ENDPOINT): S3Client {
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

export function makeDocClient(endpoint = process.env.TB_DYNAMODB_ENDPOINT): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: region(),
    ...(endpoint ? { endpoint, credentials: localCredentials } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`Missing environment variable ${name}`);
  return v;
}
