// A table answered as a CSV download: one way to ask for it and one way to send it.
import type { FastifyReply } from 'fastify';

/** Whether the caller asked for CSV: `?format=csv`, or no format and an Accept header naming text/csv. */
export function wantsCsv(request: {
  query: { format?: string | undefined };
  headers: { accept?: string | undefined };
}): boolean {
  return (
    request.query.format === 'csv' ||
    (request.query.format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ''))
  );
}

/**
 * Sends `csv` as the attachment `fileName`, as it is: a route whose 200 answer is JSON otherwise must
 * not run the CSV text through the JSON serializer.
 */
export function sendCsv(reply: FastifyReply, fileName: string, csv: string): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .serializer((payload: unknown) => payload as string)
    .send(csv);
}
