/**
 * The real servers tests run against (never mocks): loopback by default, as `.ci/run` starts them;
 * each overridable for a machine whose servers live elsewhere.
 */
export const TEST_PG_URL = process.env.HYDRASENTRY_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";
export const TEST_REDIS_URL = process.env.HYDRASENTRY_TEST_REDIS ?? "redis://127.0.0.1:6379/0";
export const TEST_NATS_URL = process.env.HYDRASENTRY_TEST_NATS ?? "nats://127.0.0.1:4222";
