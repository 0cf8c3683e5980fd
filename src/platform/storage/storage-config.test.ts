// The COVERWISE_S3_* settings: the bucket turns the S3 store on; the others are checked at start-up
// and a bad one names its variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

const load = (env: Record<string, string>) => loadConfig(env, '/srv/coverwise');
const failure = (env: Record<string, string>) => {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.variable;
    throw error;
  }
  return null;
};

describe('object storage settings', () => {
  it('keeps documents in the folder when no bucket is named', () => {
    const config = load({});
    expect(config.s3).toBeNull();
    expect(config.documentsDir).toBe('/srv/coverwise/data/documents');
  });

  it('reads a MinIO-style bucket with an endpoint (path-style by default) and keys', () => {
    const config = load({
      COVERWISE_S3_BUCKET: 'coverwise-documents',
      COVERWISE_S3_ENDPOINT: 'http://minio:9000',
      COVERWISE_S3_ACCESS_KEY_ID: 'coverwise',
      COVERWISE_S3_SECRET_ACCESS_KEY: 'a-long-secret',
      COVERWISE_S3_PREFIX: 'prod',
    });
    expect(config.s3).toEqual({
      bucket: 'coverwise-documents',
      prefix: 'prod/',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      credentials: { accessKeyId: 'coverwise', secretAccessKey: 'a-long-secret' },
      forcePathStyle: true,
    });
  });

  it('reads AWS S3 (no endpoint: virtual-hosted style, the default credential chain)', () => {
    const config = load({ COVERWISE_S3_BUCKET: 'acme.documents', COVERWISE_S3_REGION: 'eu-west-1' });
    expect(config.s3).toMatchObject({
      endpoint: null,
      region: 'eu-west-1',
      credentials: null,
      forcePathStyle: false,
      prefix: '',
    });
    expect(load({ COVERWISE_S3_BUCKET: 'acme', COVERWISE_S3_FORCE_PATH_STYLE: '1' }).s3?.forcePathStyle).toBe(
      true,
    );
  });

  it.each([
    [{ COVERWISE_S3_ENDPOINT: 'http://minio:9000' }, 'COVERWISE_S3_BUCKET'],
    [{ COVERWISE_S3_BUCKET: 'Bad_Bucket' }, 'COVERWISE_S3_BUCKET'],
    [{ COVERWISE_S3_BUCKET: 'ab' }, 'COVERWISE_S3_BUCKET'],
    [{ COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_ENDPOINT: 'minio:9000' }, 'COVERWISE_S3_ENDPOINT'],
    [{ COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_ENDPOINT: 'ftp://minio' }, 'COVERWISE_S3_ENDPOINT'],
    [{ COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_REGION: 'Mars 1' }, 'COVERWISE_S3_REGION'],
    [
      { COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_ACCESS_KEY_ID: 'only-one' },
      'COVERWISE_S3_SECRET_ACCESS_KEY',
    ],
    [
      { COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_SECRET_ACCESS_KEY: 'only-one' },
      'COVERWISE_S3_ACCESS_KEY_ID',
    ],
    [
      { COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_FORCE_PATH_STYLE: 'maybe' },
      'COVERWISE_S3_FORCE_PATH_STYLE',
    ],
    [{ COVERWISE_S3_BUCKET: 'ok-bucket', COVERWISE_S3_PREFIX: '/abs' }, 'COVERWISE_S3_PREFIX'],
    [{ COVERWISE_METRICS_TOKEN: 'short' }, 'COVERWISE_METRICS_TOKEN'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(failure(env as Record<string, string>)).toBe(variable);
  });
});
