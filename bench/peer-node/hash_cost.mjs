// What one password hash costs in the Node peer (passwords.mjs: PBKDF2-SHA256 with node's
// crypto, at the peer's iterations), timed one at a time. Prints JSON.
//
//   node hash_cost.mjs [COUNT]
import { ALGORITHM, ITERATIONS, hashPassword, verifyPassword } from './passwords.mjs';

const count = Number(process.argv[2] || 5);
const encoded = await hashPassword('warm-up-password-1');
const started = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  if (!await verifyPassword('warm-up-password-1', encoded)) throw new Error('verify failed');
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ algorithm: ALGORITHM, iterations: ITERATIONS, ms_per_hash: ms / count }));
