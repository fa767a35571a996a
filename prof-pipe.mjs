import { Runtime } from 'tokio-ts';
import { hashFile } from './dist/examples/hash-lines.js';
import { HashPool, hashFilePlain } from './dist/bench/fixtures/hash-plain.js';
const which = process.argv[2];
const input = '/tmp/pp-in.txt';
if (which === 'plain') { const pool = new HashPool(2); for (let r=0;r<3;r++) await hashFilePlain(pool, input, '/tmp/pp-o.txt', 2048, 8); await pool.close(); }
else { const rt = Runtime.builder().multiThread().workerThreads(2).build(); for (let r=0;r<3;r++) await rt.blockOn(hashFile(input, '/tmp/pp-o.txt', which)); await rt.shutdown(); }
