// One worker's Fastify application: the Django peer's routes and answer shapes.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import { createSigner, createVerifier } from 'fast-jwt';
import pg from 'pg';
import { burnPasswordHash, hashPassword, verifyPassword } from './passwords.mjs';

const ACCESS_TTL_MS = 15 * 60 * 1000; // simplejwt's defaults, as the Django peer
const REFRESH_TTL_MS = 24 * 60 * 60 * 1000;

// bigint ids as numbers (node-postgres answers int8 as strings otherwise); ours are far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const POST_COLUMNS = 'id, title, content, user_id AS "user", created_at, updated_at';
const SQL = {
  userByName: 'SELECT id, username, password, is_active FROM users WHERE username = $1',
  userExists: 'SELECT 1 FROM users WHERE username = $1',
  createUser: `INSERT INTO users (username, email, first_name, password) VALUES ($1, $2, $3, $4)
               ON CONFLICT (username) DO NOTHING RETURNING id, username, email, first_name`,
  listPosts: `SELECT ${POST_COLUMNS} FROM posts WHERE user_id = $1 ORDER BY id`,
  getPost: `SELECT ${POST_COLUMNS} FROM posts WHERE id = $1 AND user_id = $2`,
  createPost: `INSERT INTO posts (user_id, title, content) VALUES ($1, $2, $3) RETURNING ${POST_COLUMNS}`,
  updatePost: `UPDATE posts SET title = COALESCE($3, title), content = COALESCE($4, content), updated_at = now()
               WHERE id = $1 AND user_id = $2 RETURNING ${POST_COLUMNS}`,
  deletePost: 'DELETE FROM posts WHERE id = $1 AND user_id = $2',
  // The presented refresh token is used up: a second use conflicts and inserts nothing.
  useRefresh: `INSERT INTO refresh_token_blacklist (jti, user_id, expires_at) VALUES ($1, $2, to_timestamp($3))
               ON CONFLICT (jti) DO NOTHING RETURNING jti`,
};
// Named queries: node-postgres prepares each once per connection.
const q = (name, values) => ({ name, text: SQL[name], values });

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const TOKEN_NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };
const NOT_FOUND = { detail: 'Not found.' };

const postSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    content: { type: 'string' },
    user: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
};
const postBody = (required) => ({
  type: 'object',
  required,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    content: { type: 'string', minLength: 1 },
  },
});
const idParam = '/api/posts/:id(^\\d+)/';
// Django's BaseUserManager.normalize_email: the domain part lowercased.
const normalizeEmail = (email) => {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at) + email.slice(at).toLowerCase();
};

export async function buildApp({ databaseUrl, privateKey }) {
  const pool = new pg.Pool({ connectionString: databaseUrl }); // node-postgres' default: 10 per worker
  const publicKey = crypto.createPublicKey(privateKey).export({ type: 'spki', format: 'pem' });
  const signAccess = createSigner({ key: privateKey, algorithm: 'ES256', expiresIn: ACCESS_TTL_MS });
  const signRefresh = createSigner({ key: privateKey, algorithm: 'ES256', expiresIn: REFRESH_TTL_MS });
  // Access tokens: fast-jwt's verified-token cache (LRU of 1000, entries live until the token's
  // exp or 10 minutes). Refresh tokens are used once, so caching them would buy nothing.
  const verifyAccess = createVerifier({ key: publicKey, algorithms: ['ES256'], cache: true });
  const verifyRefresh = createVerifier({ key: publicKey, algorithms: ['ES256'] });

  const tokenPair = (user) => {
    const claims = { user_id: user.id, username: user.username };
    return {
      refresh: signRefresh({ ...claims, token_type: 'refresh', jti: crypto.randomUUID() }),
      access: signAccess({ ...claims, token_type: 'access', jti: crypto.randomUUID() }),
    };
  };

  const app = Fastify({ logger: false });

  // --- open routes ---------------------------------------------------------------------------
  app.post('/api/token/', {
    schema: {
      body: {
        type: 'object',
        required: ['username', 'password'],
        properties: { username: { type: 'string' }, password: { type: 'string' } },
      },
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const { rows: [user] } = await pool.query(q('userByName', [username]));
    if (!user) {
      await burnPasswordHash(password);
    } else if (user.is_active && await verifyPassword(password, user.password)) {
      return tokenPair(user);
    }
    return reply.code(401).send({ detail: 'No active account found with the given credentials' });
  });

  app.post('/api/token/refresh/', {
    schema: { body: { type: 'object', required: ['refresh'], properties: { refresh: { type: 'string' } } } },
  }, async (request, reply) => {
    let claims;
    try {
      claims = verifyRefresh(request.body.refresh);
    } catch {
      return reply.code(401).send({ detail: 'Token is invalid or expired', code: 'token_not_valid' });
    }
    if (claims.token_type !== 'refresh') {
      return reply.code(401).send({ detail: 'Token has wrong type', code: 'token_not_valid' });
    }
    let used;
    try {
      used = await pool.query(q('useRefresh', [claims.jti, claims.user_id, claims.exp]));
    } catch (error) {
      if (error.code !== '23503') throw error; // foreign key: the user is gone
      used = { rowCount: 0 };
    }
    if (used.rowCount !== 1) {
      return reply.code(401).send({ detail: 'Token is blacklisted', code: 'token_not_valid' });
    }
    return tokenPair({ id: claims.user_id, username: claims.username });
  });

  app.post('/api/register/', {
    schema: {
      body: {
        type: 'object',
        required: ['password'],
        properties: {
          username: { type: 'string', maxLength: 150, pattern: '^[\\w.@+-]*$' },
          email: { type: 'string', maxLength: 254 },
          name: { type: 'string', maxLength: 150 },
          password: { type: 'string' },
          password2: { type: 'string' },
        },
      },
    },
  }, async (request, reply) => {
    const { name = '', password, password2 } = request.body;
    const email = normalizeEmail(request.body.email ?? '');
    const username = request.body.username || email;
    if (!username) {
      return reply.code(400).send({ non_field_errors: ['A username or an email address is required.'] });
    }
    if (password2 !== undefined && password2 !== password) {
      return reply.code(400).send({ password: ["Password fields didn't match."] });
    }
    // Django's MinimumLengthValidator and NumericPasswordValidator (not its common-password list).
    if (password.length < 8 || /^\d+$/.test(password)) {
      return reply.code(400).send({ password: ['This password is too short or entirely numeric.'] });
    }
    if ((await pool.query(q('userExists', [username]))).rowCount) {
      return reply.code(400).send({ username: ['A user with that username already exists.'] });
    }
    const encoded = await hashPassword(password);
    const { rows: [user] } = await pool.query(q('createUser', [username, email, name, encoded]));
    if (!user) return reply.code(400).send({ username: ['A user with that username already exists.'] });
    return reply.code(201).send({
      id: user.id, username: user.username, email: user.email, name: user.first_name, user_id: user.id,
      ...tokenPair(user), is_error: 0, message: 'success',
    });
  });

  // --- authenticated routes: the access token's claims, no database lookup --------------------
  app.register(async (api) => {
    api.decorateRequest('user', null);
    api.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      if (!header || !header.startsWith('Bearer ')) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="api"').send(NOT_AUTHENTICATED);
      }
      let claims;
      try {
        claims = verifyAccess(header.slice(7));
      } catch {
        claims = null;
      }
      if (!claims || claims.token_type !== 'access') {
        return reply.code(401).header('www-authenticate', 'Bearer realm="api"').send(TOKEN_NOT_VALID);
      }
      request.user = { id: claims.user_id, username: claims.username };
    });

    api.get('/api/posts/', { schema: { response: { 200: { type: 'array', items: postSchema } } } },
      async (request) => (await pool.query(q('listPosts', [request.user.id]))).rows);

    api.post('/api/posts/', { schema: { body: postBody(['title', 'content']), response: { 201: postSchema } } },
      async (request, reply) => {
        const { title, content } = request.body;
        const { rows: [post] } = await pool.query(q('createPost', [request.user.id, title, content]));
        return reply.code(201).send(post);
      });

    api.get(idParam, { schema: { response: { 200: postSchema } } }, async (request, reply) => {
      const { rows: [post] } = await pool.query(q('getPost', [Number(request.params.id), request.user.id]));
      return post ?? reply.code(404).send(NOT_FOUND);
    });

    const update = async (request, reply) => { // PUT requires both fields (schema), PATCH either
      const { title = null, content = null } = request.body ?? {};
      const { rows: [post] } = await pool.query(
        q('updatePost', [Number(request.params.id), request.user.id, title, content]));
      return post ?? reply.code(404).send(NOT_FOUND);
    };
    api.put(idParam, { schema: { body: postBody(['title', 'content']), response: { 200: postSchema } } }, update);
    api.patch(idParam, { schema: { body: postBody([]), response: { 200: postSchema } } }, update);

    api.delete(idParam, async (request, reply) => {
      const { rowCount } = await pool.query(q('deletePost', [Number(request.params.id), request.user.id]));
      return rowCount ? reply.code(204).send() : reply.code(404).send(NOT_FOUND);
    });

    api.get('/api/dashboard/', async (request) =>
      ({ response: `Hey ${request.user.username}, You are seeing a GET response` }));

    api.post('/api/dashboard/', async (request, reply) => {
      const text = request.body?.text;
      if (text === undefined || text === null) {
        return reply.code(400).send({ text: ['This field is required.'] });
      }
      return { response: `Hey ${request.user.username}, your text is ${text}` };
    });
  });

  await app.ready();
  return { app, pool };
}
