/**
 * Executors run inside Nx's task process, which compiles the executor file itself but does not
 * keep a TypeScript hook for the workspace packages it then requires (they would load as raw
 * ESM and fail). Registering @swc-node/register here — imported first by every executor — makes
 * `require('@strata/…')` and the workload charts load as they do under `npm run generate`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('@swc-node/register');
