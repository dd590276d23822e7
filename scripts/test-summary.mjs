// Totals the vitest JSON reports that scripts/test-runtimes.mjs left in .test-results/ and
// prints one line per package and runtime, then the closing line "total: N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(dirname(fileURLToPath(import.meta.url))), '.test-results');
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const skip = report.numPendingTests + report.numTodoTests;
  // A suite that failed to load counts as a failure even when no test inside it ran.
  const broken = report.testResults.filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  ).length;
  passed += report.numPassedTests;
  failed += report.numFailedTests + broken;
  skipped += skip;
  console.log(
    `${file.replace(/\.json$/, '')}: ${report.numPassedTests} passed, ${report.numFailedTests + broken} failed, ${skip} skipped`,
  );
}
console.log(`total: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (files.length === 0 || passed === 0) {
  console.error('test-summary: no test ran');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
