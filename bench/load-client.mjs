// The bench's load generator, run as a process of its own (never inside a server under test):
// autocannon's closed loop of `connections` keep-alive connections for `seconds`, over a list of
// requests taken in turn (each connection starts at its own place in the list). The spec comes as
// JSON in the file named by the first argument:
//   { url, connections, seconds, amount?, headers?, requests: [{ path, method?, body?, headers? }] }
// (a request's own headers are added to the common ones, e.g. the X-Forwarded-For of its client).
// With `amount`, exactly that many requests are sent (each request of the list once when the list is
// that long: requests that may run once, such as booking a rate) and `seconds` is ignored.
// Prints one JSON line: requests answered 2xx per second, latency p50/p99 in ms, errors and non-2xx.
import fs from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const requests = spec.requests;
let next = 0;

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  ...(spec.amount ? { amount: spec.amount } : { duration: spec.seconds }),
  headers: spec.headers ?? {},
  // One request template, filled from the list in turn by every connection.
  requests: [
    {
      setupRequest(request) {
        const r = requests[next++ % requests.length];
        request.path = r.path;
        request.method = r.method ?? 'GET';
        if (r.headers !== undefined) request.headers = { ...request.headers, ...r.headers };
        if (r.body !== undefined) {
          request.body = r.body;
          request.headers = { ...request.headers, 'content-type': 'application/json' };
        }
        return request;
      },
    },
  ],
});

process.stdout.write(
  `${JSON.stringify({
    perSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  })}\n`,
);
