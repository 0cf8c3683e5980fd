// Builds multipart/form-data bodies by hand, so tests can also build broken ones (wrong boundary,
// truncated parts, misleading file names).
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
);

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
