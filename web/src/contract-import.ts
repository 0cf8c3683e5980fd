import { ApiError, type ApiResponse, apiBasePath, apiErrorFromProblem, csrfHeader } from './api.js';

// Sends a CSV file, possibly tens of megabytes: a dealer file to POST /contracts/import, a lender's
// funded deals to POST /funding-uploads. It uses XMLHttpRequest rather than fetch because only XHR
// reports upload progress, which a person watching a large file needs; the answer is the same
// problem+json or report JSON as anywhere else.

/** The server's report on an imported file (rejected: the first rejected rows; the server bounds the list). */
export type ImportReport = ApiResponse<'post', '/contracts/import'>;
/** A rejected row: the file line it starts on (the header is line 1), why, and the column to fix. */
export type RejectedRow = ImportReport['rejected'][number];

/** The server keeps the file name with the import run; it takes at most this many characters. */
const maxFileNameLength = 255;

export interface UploadProgress {
  /** Bytes sent so far and in all; `totalBytes` is null when the browser cannot tell. */
  sentBytes: number;
  totalBytes: number | null;
}

export interface UploadCallbacks {
  onProgress(progress: UploadProgress): void;
  /** The whole file has left the browser; the server is now reading it. */
  onUploaded(): void;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Sends a CSV file to an upload endpoint (`path` under /api/v1, with its query) and resolves with the
 * server's JSON answer; rejects with an ApiError, or an AbortError when `signal` aborts.
 */
export function uploadCsvFile<T>(
  path: string,
  query: URLSearchParams,
  file: File,
  callbacks: UploadCallbacks,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('The upload was cancelled.', 'AbortError'));
      return;
    }
    const request = new XMLHttpRequest();
    if (file.name) query.set('fileName', file.name.slice(0, maxFileNameLength));
    request.open('POST', `${apiBasePath}${path}${query.size > 0 ? `?${query}` : ''}`);
    request.setRequestHeader('content-type', 'text/csv');
    request.setRequestHeader('accept', 'application/json, application/problem+json');
    for (const [name, value] of Object.entries(csrfHeader())) request.setRequestHeader(name, value);

    // Upload listeners must be attached before send(), or the browser may not report progress at all.
    request.upload.onprogress = (event) => {
      callbacks.onProgress({
        sentBytes: event.loaded,
        totalBytes: event.lengthComputable ? event.total : null,
      });
    };
    request.upload.onload = () => callbacks.onUploaded();

    request.onload = () => {
      const body = parseJson(request.responseText);
      if (request.status >= 200 && request.status < 300 && body !== undefined) resolve(body as T);
      else reject(apiErrorFromProblem(request.status, body));
    };
    request.onerror = () =>
      reject(
        new ApiError(
          0,
          'network_error',
          'Coverwise could not be reached. Check your connection and try again.',
        ),
      );
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });

    request.send(file);
  });
}

/** Resolves with the server's report; rejects with an ApiError, or an AbortError when `signal` aborts. */
export function uploadDealerFile(
  file: File,
  callbacks: UploadCallbacks,
  signal?: AbortSignal,
): Promise<ImportReport> {
  return uploadCsvFile<ImportReport>('/contracts/import', new URLSearchParams(), file, callbacks, signal);
}
