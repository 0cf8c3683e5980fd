import { startTestServer } from '../test/support/server.js';
import { ENGINES } from '../test/support/engines.js';
const engine = ENGINES.find((e) => e.name === 'postgres')!;
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const s = await startTestServer({ engine, demo: false });
  console.log('start', (performance.now() - t0).toFixed(0));
  await s.close();
}
