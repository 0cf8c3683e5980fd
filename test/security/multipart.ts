// Builds multipart/form-data bodies by hand, so tests can also build broken ones (wrong boundary,
// truncated parts, misleading file names).
// A well-formed one-page PDF (catalog, page tree, page, cross-reference table with true offsets), as a
// holder's scan would be. A malformed one is not harmless in the browser tests: Chromium's PDF
// viewer shows its error and takes the page's focus whenever it finishes loading, which under load
// can be after a test has moved focus somewhere on purpose (CI 2026-12-06, work-assignment).
export const PDF = wellFormedPdf();

function wellFormedPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export function multipart(
  fields: Record<string, string>,
  file: { name: string; bytes: Buffer; contentType?: string } | null,
  boundary = `----coverwise${Math.random().toString(16).slice(2)}`,
) {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A document upload: its `type` field and a small PDF named after the type. */
export function pdfUpload(type: string) {
  return multipart({ type }, { name: `${type}.pdf`, bytes: PDF, contentType: 'application/pdf' });
}
