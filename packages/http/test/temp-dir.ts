// One tempDir() for every test file in the repo: test/support/temp-dir.ts.
export { tempDir } from '../../../test/support/temp-dir.js';
