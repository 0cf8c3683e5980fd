import net from 'node:net';

// A tiny fake clamd: it reads the INSTREAM command and its length-prefixed chunks exactly as clamd
// does, and answers in clamd's reply format ("stream: OK" or "stream: <name> FOUND", NUL-terminated).
// Files containing the EICAR marker are "infected"; the text "ERROR" makes it answer an error.
export function startFakeClamd(): Promise<{ server: net.Server; port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let command: string | null = null;
    const body: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (command === null) {
        const end = buffer.indexOf(0);
        if (end < 0) return;
        command = buffer.subarray(0, end).toString();
        commands.push(command);
        buffer = buffer.subarray(end + 1);
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length === 0) {
          const content = Buffer.concat(body).toString('latin1');
          const reply = content.includes('ERROR')
            ? 'INSTREAM size limit exceeded. ERROR'
            : content.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')
              ? 'stream: Eicar-Test-Signature FOUND'
              : 'stream: OK';
          socket.end(`${reply}\0`);
          return;
        }
        if (buffer.length < 4 + length) return;
        body.push(buffer.subarray(4, 4 + length));
        buffer = buffer.subarray(4 + length);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as net.AddressInfo).port, commands }),
    ),
  );
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n');
export const EICAR = Buffer.concat([
  PDF,
  Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'),
]);
