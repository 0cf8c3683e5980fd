// Picks the document store the settings name: the S3-compatible bucket when COVERWISE_S3_BUCKET is
// set, otherwise the folder COVERWISE_DOCUMENTS_DIR. The AWS SDK is loaded only for a bucket: a process
// on the folder store never needs it (it is ~5 MB of heap and code).
import type { S3Settings } from '../../config.js';
import { createFileDocumentStore, type DocumentStore } from './document-store.js';

export async function openDocumentStore(settings: {
  s3: S3Settings | null;
  documentsDir: string;
}): Promise<DocumentStore> {
  if (settings.s3) {
    const { createS3DocumentStore } = await import('./s3-document-store.js');
    try {
      return await createS3DocumentStore(settings.s3);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(
        `The document bucket ${settings.s3.bucket}${settings.s3.endpoint ? ` at ${settings.s3.endpoint}` : ''} cannot be listed (${reason}); check the COVERWISE_S3_* settings.`,
      );
    }
  }
  return createFileDocumentStore(settings.documentsDir);
}
