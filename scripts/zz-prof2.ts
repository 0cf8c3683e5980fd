import { openDatabase } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  const h = await openDatabase({ databaseUrl: null, dataDir: 'memory://', poolSize: 4 });
  await h.db.selectNoFrom((eb) => eb.val(1).as('x')).execute();
  const t1 = performance.now();
  await migrateToLatest(h.db);
  const t2 = performance.now();
  console.log('open', (t1 - t0).toFixed(0), 'migrate', (t2 - t1).toFixed(0));
  await h.close();
}
