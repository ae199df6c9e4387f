import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { downloadUrl } from '../../core/portal/download-link';
import { MAX_PRESIGN_SECONDS, type Presign } from '../../core/ports';

/** The link-signing secret from Secrets Manager, read once per container. */
export function secretFromSecretsManager(arn: string, client = new SecretsManagerClient({})): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () =>
    (cached ??= client.send(new GetSecretValueCommand({ SecretId: arn })).then((r) => {
      if (!r.SecretString) throw new Error(`Secret ${arn} has no string value`);
      return r.SecretString;
    }));
}

/**
 * A Presign that hands out portal download links (valid for the full period: the portal signs
 * the S3 request afresh when the link is opened) instead of S3 URLs tied to our credentials.
 */
export function portalLinker(portalUrl: string, secret: () => Promise<string>, now: () => Date = () => new Date()): Presign {
  return async (_bucket, key, seconds) => {
    const expiresIn = Math.max(1, Math.min(Math.floor(seconds), MAX_PRESIGN_SECONDS));
    const expiresAt = new Date(now().getTime() + expiresIn * 1000);
    return { url: downloadUrl(portalUrl, await secret(), key, expiresAt), expiresAt, expiresIn };
  };
}
