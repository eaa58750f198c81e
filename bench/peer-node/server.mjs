// The benchmark's Node.js peer: the Django peer's routes on Fastify 5 + fast-jwt (ES256, with
// its verified-token cache) + node-postgres, in node:cluster with one worker per core.
//
//   PEER_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/peernode node server.mjs PORT
//
// The primary creates the schema (schema.sql, idempotent), makes the ES256 key pair unless
// PEER_NODE_JWT_KEY_FILE names a PKCS#8 PEM, forks the workers and restarts one that dies.
// SIGTERM/SIGINT to the primary stop the workers (each closes its server, then its pool).
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';

const port = Number(process.argv[2] || process.env.PEER_NODE_PORT);
const databaseUrl = process.env.PEER_DATABASE_URL;
if (!Number.isInteger(port) || port <= 0 || !databaseUrl) {
  console.error('usage: PEER_DATABASE_URL=postgresql://... node server.mjs PORT');
  process.exit(2);
}

if (cluster.isPrimary) {
  await primary();
} else {
  await worker();
}

async function primary() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(fs.readFileSync(new URL('./schema.sql', import.meta.url), 'utf8'));
  await client.end();

  let privateKey;
  if (process.env.PEER_NODE_JWT_KEY_FILE) {
    privateKey = fs.readFileSync(process.env.PEER_NODE_JWT_KEY_FILE, 'utf8');
  } else {
    ({ privateKey } = crypto.generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }));
  }
  const workers = Number(process.env.PEER_NODE_WORKERS || os.availableParallelism());
  const env = { PEER_NODE_JWT_PRIVATE_KEY: privateKey };
  let stopping = false;
  const listening = new Set(); // ids of the workers that have served
  const fork = () => cluster.fork(env);
  for (let i = 0; i < workers; i++) fork();
  cluster.on('listening', (w) => listening.add(w.id));
  cluster.on('exit', (w, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers).length === 0) process.exit();
      return;
    }
    // A worker that dies before it listens (port taken, bad URL) would die again: give up.
    if (!listening.has(w.id)) {
      console.error(`worker ${w.process.pid} died while starting (${signal || code}); stopping`);
      stop(1);
      return;
    }
    console.error(`worker ${w.process.pid} died (${signal || code}); starting another`);
    fork();
  });
  function stop(status = 0) {
    if (stopping) return;
    stopping = true;
    process.exitCode = status;
    const alive = Object.values(cluster.workers);
    if (alive.length === 0) process.exit();
    for (const w of alive) w.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), 10000).unref();
  }
  process.on('SIGTERM', () => stop());
  process.on('SIGINT', () => stop());
}

async function worker() {
  const { buildApp } = await import('./app.mjs');
  const { app, pool } = await buildApp({
    databaseUrl,
    privateKey: process.env.PEER_NODE_JWT_PRIVATE_KEY,
  });
  await app.listen({ host: '127.0.0.1', port });
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', () => {}); // the primary decides (a terminal's ^C reaches every process)
}
