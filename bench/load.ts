// A small closed-loop HTTP load generator: `concurrency` workers each send requests back to back
// over keep-alive connections until the time is up. Bounded in time and count; loopback only.
export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latenciesMs: number[];
}

/** A request of the load: a URL to GET, or a URL with fetch options (method, body, headers). */
export type LoadRequest = string | { url: string; init: RequestInit };

export async function runLoad(
  makeRequest: (i: number) => LoadRequest,
  options: { seconds: number; concurrency: number; headers?: Record<string, string>; maxRequests?: number },
): Promise<LoadResult> {
  const deadline = performance.now() + options.seconds * 1000;
  const maxRequests = options.maxRequests ?? 1_000_000;
  let issued = 0;
  let errors = 0;
  const latenciesMs: number[] = [];
  const started = performance.now();
  async function worker() {
    while (performance.now() < deadline && issued < maxRequests) {
      const i = issued++;
      const t0 = performance.now();
      try {
        const request = makeRequest(i);
        const response =
          typeof request === 'string'
            ? await fetch(request, { headers: options.headers })
            : await fetch(request.url, {
                ...request.init,
                headers: { ...options.headers, ...(request.init.headers as Record<string, string>) },
              });
        await response.arrayBuffer();
        if (response.status !== 200 && response.status !== 201) errors++;
      } catch {
        errors++;
      }
      latenciesMs.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: latenciesMs.length,
    errors,
    seconds,
    perSecond: latenciesMs.length / seconds,
    latenciesMs,
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
