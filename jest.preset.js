// Shared jest settings: TypeScript through SWC (type checking is the `typecheck` target's job),
// and the ESM-only schema models (kubernetes-models, @kubernetes-models/*) resolved through their
// `import` condition and compiled to CommonJS — the one place that trap is handled (also the ESM-only
// CEL evaluator the health-check tests use).
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts', '<rootDir>/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/files/'],
  transform: {
    '^.+\\.ts$': swc,
    '^.+/node_modules/(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex|@marcbachmann/cel-js)/.+\\.js$': swc,
  },
  transformIgnorePatterns: ['/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex|@marcbachmann/cel-js)/)'],
  resolver: path.join(__dirname, 'tools/scripts/jest-resolver.js'),
  reporters: ['default', path.join(__dirname, 'tools/scripts/jest-count-reporter.js')],
  testTimeout: 60000,
};
