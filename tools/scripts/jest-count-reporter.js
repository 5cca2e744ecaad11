// Appends each jest run's totals to $STRATA_TEST_COUNTS (one JSON line per project run), so the
// top-level `npm test` can print one plain "N passed, N failed" line across all Nx projects.
const fs = require('node:fs');

class CountReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.STRATA_TEST_COUNTS;
    if (!file) return;
    const line = JSON.stringify({
      cwd: process.cwd(),
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    });
    fs.appendFileSync(file, line + '\n');
  }
}
module.exports = CountReporter;
