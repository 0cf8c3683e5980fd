// When route schemas are compiled. A process compiles each route's validators and response serializers
// at their first use (validation.ts, serializer-cache.ts): most routes of a process answer rarely or
// never, and compiling all ~600 schemas at start cost about 1 s of CPU and 25 MB of heap in every
// process. A schema that cannot compile would then fail only at its first request, so the test suite
// turns eager compilation on and builds the app (schema-compilation.test.ts): every schema of every
// route compiles there, as the app is built.
let eager = false;

/** Compile each schema as its route is registered (tests), or at its first use (the default). */
export function compileSchemasEagerly(on: boolean): void {
  eager = on;
}

export function schemasCompileEagerly(): boolean {
  return eager;
}
