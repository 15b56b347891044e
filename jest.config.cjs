// One jest run over every package. Sources are TypeScript ES modules; @swc/jest strips types
// and emits CommonJS for jest, so no --experimental-vm-modules is needed. Type checking is
// done separately by `tsc -p tsconfig.check.json`.
const workspace = {
  config: 'libs/config',
  domain: 'libs/domain',
  contracts: 'libs/contracts',
  bus: 'libs/bus',
  db: 'libs/db',
  redis: 'libs/redis',
  telemetry: 'libs/telemetry',
  runtime: 'libs/runtime',
  gateway: 'services/gateway',
  scheduler: 'services/scheduler',
  'snapshot-builder': 'services/snapshot-builder',
  'metrics-aggregator': 'services/metrics-aggregator',
  harness: 'test/harness',
  'upstream-sim': 'test/upstream-sim',
  bench: 'test/bench',
  e2e: 'test/e2e',
};
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
for (const [name, dir] of Object.entries(workspace)) {
  moduleNameMapper[`^@switchyard/${name}$`] = `<rootDir>/${dir}/src/index.ts`;
}

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{libs,services,test}/*/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/test/bench/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper,
  globalSetup: '<rootDir>/test/harness/jest-global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/jest-global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
