// An S3-compatible server for tests: s3rver (from npm) on a loopback port, keeping its objects in a
// temporary folder, with one bucket made. The app talks to it through the real AWS SDK client.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';
import type { S3Settings } from '../../src/config.js';

interface S3rverObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

interface S3rverFilesystemStore {
  getResourcePath(bucket: string, key: string | undefined, resource: 'object' | 'uploads'): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
}

// s3rver 3.7.1 answers a PUT once it has read the body, not once its file is written: its putObject and
// putPart resolve on the hashing Transform's 'finish' (putObject at once for a Buffer body), before the
// file stream has written. A GET right after (or the completion of a multipart upload right after its
// last part) can then read a short or empty file: CI of 2026-12-05 read an overwritten object back as
// 0 bytes. S3 reads its own writes, so the test server must too: these two methods are s3rver's own,
// answering once the file stream has finished.
const require = createRequire(import.meta.url);
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as {
  prototype: {
    putObject(this: S3rverFilesystemStore, object: S3rverObject): Promise<{ size: number; md5: string }>;
    putPart(
      this: S3rverFilesystemStore,
      bucket: string,
      uploadId: string,
      partNumber: number,
      content: Readable,
    ): Promise<{ size: number; md5: string }>;
  };
};

/** Writes the content to the file; answers its size and MD5 once the file stream has finished. */
async function writeHashed(content: Buffer | Readable, file: string): Promise<{ size: number; md5: string }> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const md5 = createHash('md5');
  let size = 0;
  await pipeline(
    Buffer.isBuffer(content) ? Readable.from([content]) : content,
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    }),
    fs.createWriteStream(file),
  );
  return { size, md5: md5.digest('hex') };
}

FilesystemStore.prototype.putObject = async function putObject(object) {
  const written = await writeHashed(
    object.content,
    this.getResourcePath(object.bucket, object.key, 'object'),
  );
  await this.putMetadata(object.bucket, object.key, object.metadata, written.md5);
  return written;
};

FilesystemStore.prototype.putPart = async function putPart(bucket, uploadId, partNumber, content) {
  const partPath = path.join(
    this.getResourcePath(bucket, undefined, 'uploads'),
    uploadId,
    String(partNumber),
  );
  const written = await writeHashed(content, partPath);
  await fs.promises.writeFile(`${partPath}.md5`, written.md5);
  return written;
};

export interface TestS3Server {
  settings: S3Settings;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'coverwise-test', prefix = ''): Promise<TestS3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  return {
    settings: {
      bucket,
      prefix,
      endpoint: `http://127.0.0.1:${address.port}`,
      region: 'us-east-1',
      // s3rver's fixed credentials.
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      forcePathStyle: true,
    },
    async close() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
