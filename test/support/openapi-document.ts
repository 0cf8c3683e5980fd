import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

/** The OpenAPI document of the current code, from an app on a throw-away database. */
export async function generateOpenApiDocument(): Promise<unknown> {
  const config = loadConfig({ COVERWISE_DEMO: '0', COVERWISE_WEB_DIR: 'none', LOG_LEVEL: 'silent' });
  const built = await buildApp({ ...config, dataDir: 'memory://' }, { startJobs: false });
  try {
    return built.app.swagger();
  } finally {
    await built.close();
  }
}
