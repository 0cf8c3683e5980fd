// Entry point of `npm start`: the web process (with the job workers unless COVERWISE_RUN_JOBS=0).
import { loadConfigOrExit, runServer } from './server.js';

await runServer(loadConfigOrExit());
