import { PGlite } from '@electric-sql/pglite';
let t = performance.now();
const a = await PGlite.create('memory://');
console.log('plain create', (performance.now() - t).toFixed(0));
await a.exec('create table x(a int); insert into x values (1)');
t = performance.now();
const dump = await a.dumpDataDir('none');
console.log('dump', (performance.now() - t).toFixed(0), dump.size);
await a.close();
for (let i = 0; i < 3; i++) {
  t = performance.now();
  const b = await PGlite.create('memory://', { loadDataDir: dump });
  const r = await b.query('select count(*) from x');
  console.log('load create', (performance.now() - t).toFixed(0), JSON.stringify(r.rows));
  await b.close();
}
for (let i = 0; i < 2; i++) {
  t = performance.now();
  const c = await PGlite.create('memory://');
  console.log('plain create', (performance.now() - t).toFixed(0));
  await c.close();
}
