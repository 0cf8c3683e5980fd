// The bench's load generator, run as a process of its own (never inside a server under test):
// autocannon's closed loop of `connections` keep-alive connections for `seconds`, over a list of
// requests taken in turn (each connection starts at its own place in the list). The spec comes as
// JSON in the file named by the first argument:
//   { url, connections, seconds, amount?, headers?, requests: [{ path, method?, body?, headers? }] }
// (a request's own headers are added to the common ones, e.g. the X-Forwarded-For of its client).
// With `amount`, exactly that many requests are sent (each request of the list once when the list is
// that long: requests that may run once, such as booking a rate) and `seconds` is ignored.
// Prints one JSON line: requests answered 2xx per second, latency p50/p99 in ms, errors and non-2xx.
//
// The seconds are those from the start to the last answer, timed here. autocannon's own `duration` ends
// at its next sampling tick (once a second), so with `amount` a side that finished its requests in 1.1
// or 1.9 s both read 2.0 s: the booking figure came out as 132, 198 or 396/s and its ratio as 0.33,
// 0.5 or 0.67 (2026-12-05 12:40: 0.34, rounds 0.33–0.67).
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const requests = spec.requests;
let next = 0;

const startedAt = performance.now();
let lastAnswerAt = startedAt;
const instance = autocannon({
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
instance.on('response', () => {
  lastAnswerAt = performance.now();
});
const result = await instance;
const seconds = (lastAnswerAt - startedAt) / 1000;

process.stdout.write(
  `${JSON.stringify({
    perSecond: seconds > 0 ? result['2xx'] / seconds : 0,
    ok: result['2xx'],
    seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  })}\n`,
);
