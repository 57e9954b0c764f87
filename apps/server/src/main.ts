#!/usr/bin/env node
import { applyEnvOverrides, isMangaAssistError, loadConfigFile, parseConfig, serverConfigSchema } from '@mangaassist/common';
import { createLogger } from './logger';
import { installShutdownHandlers } from './shutdown';
import { startServer } from './start-server';

// `node apps/server/dist/main.js [--config server.yaml]`: without a file, defaults plus MANGAASSIST_CFG__* overrides.
async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--config');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && !file) throw new TypeError('--config needs a file name');
  const config = file ? loadConfigFile(serverConfigSchema, file) : parseConfig(serverConfigSchema, applyEnvOverrides({}), 'default configuration');
  const logger = createLogger();
  const server = await startServer(config, { logger, ...(file ? { configFile: file } : {}) });
  installShutdownHandlers(server, process, logger, config.serving.shutdownGraceMs);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (isMangaAssistError(error)) process.stderr.write(`error [${error.code}]: ${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
