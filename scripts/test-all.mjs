// `npm test`: every suite runs even when an earlier one fails (so CI counts them all), and the exit code is
// non-zero if any failed.
import { spawnSync } from 'node:child_process';

const suites = ['test:unit', 'e2e', 'test:firefox'];
const failed = suites.filter((suite) => {
  console.log(`\n> npm run ${suite}`);
  return spawnSync('npm', ['run', suite], { stdio: 'inherit' }).status !== 0;
});
if (failed.length) console.error(`\nFailed: ${failed.join(', ')}`);
process.exit(failed.length ? 1 : 0);
