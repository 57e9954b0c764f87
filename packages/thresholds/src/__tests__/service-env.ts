// Settings of the real PostgreSQL and Redis servers that CI starts (tools/ci/start-services.sh).

/** Environment variable naming the PostgreSQL test database URL. */
export const PG_URL_ENV = 'MANGAASSIST_TEST_PG_URL';
/** Environment variable naming the Redis test server URL. */
export const REDIS_URL_ENV = 'MANGAASSIST_TEST_REDIS_URL';

/** The URL in `name`, or undefined with a console note saying how to get the tests to run. */
export function serviceUrl(name: string, what: string): string | undefined {
  const url = process.env[name];
  if (!url) {
    console.warn(
      `skipped: ${what} tests need ${name} (start the servers with: eval "$(bash tools/ci/start-services.sh)")`,
    );
  }
  return url;
}

/** A name unique to this test run, for a schema or key prefix. */
export function runScope(): string {
  return `t${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
}
