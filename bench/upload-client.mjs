// The bench's upload client, run as a child process so the server's memory is measured alone: sends
// one multipart request whose file is generated as a stream (a PDF header, then filler), prints the
// status and body. Settings come from UPLOAD_URL, UPLOAD_TOKEN, UPLOAD_TYPE and UPLOAD_BYTES.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

const { UPLOAD_URL, UPLOAD_TOKEN, UPLOAD_TYPE, UPLOAD_BYTES } = process.env;
const sizeBytes = Number(UPLOAD_BYTES);
const boundary = `bench${randomBytes(8).toString('hex')}`;
const filler = Buffer.alloc(64 * 1024, 0x20);

async function* multipart() {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${UPLOAD_TYPE}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n%PDF-1.4\n',
  );
  for (let sent = 0; sent < sizeBytes; sent += filler.length) {
    yield sent + filler.length <= sizeBytes ? filler : filler.subarray(0, sizeBytes - sent);
  }
  yield Buffer.from(`\n%%EOF\n\r\n--${boundary}--\r\n`);
}

const response = await fetch(UPLOAD_URL, {
  method: 'POST',
  headers: {
    authorization: `Bearer ${UPLOAD_TOKEN}`,
    'content-type': `multipart/form-data; boundary=${boundary}`,
  },
  body: Readable.from(multipart()),
  duplex: 'half',
});
process.stdout.write(`${response.status} ${await response.text()}`);
