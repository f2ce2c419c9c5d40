export type { DemoClient } from './client.js';
export { DEMO_QUESTIONS, describeDemo } from './describe-demo.js';
export { DEMO_DATA_VERSION, DEMO_SCHEMAS, DEMO_TABLES, type DemoTable } from './demo-tables.js';
export { DemoDataError, type DemoDataErrorCode } from './errors.js';
export {
  createReadOnlyRole,
  scramSha256Verifier,
  type ReadOnlyRoleOptions,
  type ReadOnlyRoleResult,
} from './read-only-role.js';
export {
  findDemoInfo,
  isDemoSeeded,
  seedDemoDatabase,
  type DemoInfo,
  type DemoSeedProgress,
  type DemoSeedResult,
  type SeedDemoOptions,
} from './seed-demo-database.js';
