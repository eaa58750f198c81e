// Password hashes in Django's format (pbkdf2_sha256$ITERATIONS$SALT$BASE64), computed with
// node's built-in crypto.pbkdf2 (OpenSSL, on libuv's thread pool): no native addon to build.
// The cost is the Django peer's (Django 3.2's default, 260 000 iterations) unless
// PEER_NODE_PBKDF2_ITERATIONS says otherwise.
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2 = promisify(crypto.pbkdf2);
export const ALGORITHM = 'pbkdf2_sha256';
export const ITERATIONS = Number(process.env.PEER_NODE_PBKDF2_ITERATIONS || 260000);
const KEY_LENGTH = 32; // SHA-256's output, as Django

export async function hashPassword(password, iterations = ITERATIONS) {
  const salt = crypto.randomBytes(16).toString('base64url'); // 22 characters, like Django's salts
  const hash = await pbkdf2(password, salt, iterations, KEY_LENGTH, 'sha256');
  return `${ALGORITHM}$${iterations}$${salt}$${hash.toString('base64')}`;
}

export async function verifyPassword(password, encoded) {
  const [algorithm, iterations, salt, expected] = encoded.split('$');
  if (algorithm !== ALGORITHM || !salt || !expected) return false;
  const hash = await pbkdf2(password, salt, Number(iterations), KEY_LENGTH, 'sha256');
  const wanted = Buffer.from(expected, 'base64');
  return wanted.length === hash.length && crypto.timingSafeEqual(hash, wanted);
}

// What an unknown username costs: one hash all the same, so a login's timing does not tell
// whether the account exists (Django does the same).
let dummy;
export async function burnPasswordHash(password) {
  dummy ??= await hashPassword('dummy-password-for-timing');
  await verifyPassword(password, dummy);
}
