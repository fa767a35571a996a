/** The test kit: run test bodies as tasks on fresh runtimes. */
export { runTest, type TestOptions, test } from './test.js';
