/**
 * The JSON API under `/api/`: a gin `Engine` (mounted on the ServeMux as a plain Handler) with
 * users, posts, login and the seed's `/user/:name` next to `/user/follow/count` — the pair gin's
 * tree resolves static-first.
 *
 * Every answer is JSON. Validation errors say which field and why; the auth routes run
 * middleware-kit's `jwt` as gin middleware (`wrapMiddleware`), and a refused request touches no
 * row. Plain-text refusals from middleware (401, 413, 429, gin's own 404/405) become JSON in
 * {@link apiErrors}, one layer out.
 */
import {
  type Handler,
  type Request,
  type ResponseWriter,
  StatusBadRequest,
  StatusCreated,
  StatusForbidden,
  StatusNotFound,
  StatusOK,
  StatusUnauthorized,
  statusText,
} from '@servehttp/core-listener';
import {
  BindingError,
  type Context,
  createEngine,
  type Engine,
  type HandlerFunc,
  setMode,
  wrapMiddleware,
} from '@servehttp/gin-router';
import { ResponseWriterWrapper } from '@servehttp/middleware-kit';
import { MaxBytesError } from '@servehttp/middleware-kit/body-limit';
import { getJWTClaims, jwt } from '@servehttp/middleware-kit/jwt';
import { rateLimit } from '@servehttp/middleware-kit/rate-limit';
import { startSpan, traced } from '@servehttp/middleware-kit/server-timing';
import { signToken } from './auth.ts';
import type { FlowRecorder } from './flow.ts';
import type { Store } from './store.ts';

/** Options of {@link createApi}. */
export interface ApiOptions {
  /** The database. */
  store: Store;
  /** The flow recorder, for routing notes. */
  flow: FlowRecorder;
  /** Login attempts allowed per client per minute; default 5. */
  loginLimit?: number;
  /** Token lifetime in seconds; default 3600. */
  tokenTTL?: number;
}

/** A Standard Schema (v1) validator written by hand: the demo needs two small shapes. */
interface Schema<T> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: T }
      | { readonly issues: readonly { message: string; path: readonly string[] }[] };
    readonly types?: { readonly input: unknown; readonly output: T };
  };
}

type Field = [name: string, min: number, max: number];

// An object of required string fields with length bounds; unknown keys are ignored, as Go's
// json.Unmarshal ignores them.
function stringFields<T>(fields: readonly Field[]): Schema<T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'servehttp-demo',
      validate(value: unknown) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          return { issues: [{ message: 'expected a JSON object', path: [] }] };
        }
        const issues: { message: string; path: string[] }[] = [];
        const out: Record<string, string> = {};
        for (const [name, min, max] of fields) {
          const v = (value as Record<string, unknown>)[name];
          if (v === undefined || v === null) issues.push({ message: 'is required', path: [name] });
          else if (typeof v !== 'string')
            issues.push({ message: 'must be a string', path: [name] });
          else {
            const t = v.trim();
            if (t.length < min)
              issues.push({ message: `must have at least ${min} character(s)`, path: [name] });
            else if (t.length > max)
              issues.push({ message: `must have at most ${max} characters`, path: [name] });
            else out[name] = t;
          }
        }
        return issues.length > 0 ? { issues } : { value: out as T };
      },
    },
  };
}

/** The body of `POST /api/v1/posts`. */
export interface NewPost {
  /** 1–120 characters after trimming. */
  title: string;
  /** 1–4000 characters after trimming. */
  body: string;
}

/** The body of `POST /api/v1/login`. */
export interface Login {
  /** The user's login name. */
  name: string;
  /** Checked against the stored bcrypt hash. */
  password: string;
}

const newPostSchema = stringFields<NewPost>([
  ['title', 1, 120],
  ['body', 1, 4000],
]);
const loginSchema = stringFields<Login>([
  ['name', 1, 64],
  ['password', 1, 256],
]);

function fail(c: Context, status: number, error: string, extra: object = {}): void {
  c.abortWithStatusJSON(status, { error, status, ...extra });
}

// Binds a JSON body, answering 400 with what is wrong. A body over the limit is left to
// bodyLimit, which answers 413 (apiErrors makes it JSON).
async function bindBody<T>(c: Context, schema: Schema<T>): Promise<T | undefined> {
  try {
    return (await c.shouldBindJSON(schema)) as T;
  } catch (err) {
    if (err instanceof MaxBytesError) throw err;
    if (err instanceof BindingError) {
      if (err.issues.length === 0) {
        fail(c, StatusBadRequest, `invalid JSON body: ${err.message}`);
      } else {
        fail(c, StatusBadRequest, 'validation failed', {
          issues: err.issues.map((i) => ({
            field: (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.'),
            message: i.message,
          })),
        });
      }
      return undefined;
    }
    throw err;
  }
}

// A positive integer id from the path; 400 otherwise.
function idParam(c: Context): number | undefined {
  const raw = c.param('id');
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) {
    fail(c, StatusBadRequest, `id must be a positive integer, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return Number(raw);
}

/**
 * Builds the API engine. Routes (all under `/api`): `POST /v1/login`, `GET /v1/me` (auth),
 * `GET /v1/user/:name`, `GET /v1/user/follow/count`, `GET /v1/posts`, `GET /v1/posts/:id`,
 * `POST /v1/posts` (auth, validated, 201), `DELETE /v1/posts/:id` (auth, own posts, 204),
 * `GET /v1/slow?ms=` (a slow handler, at most 5 s, cancelled when the client leaves),
 * `GET /v1/panic` (throws: the recovery middleware's JSON 500).
 */
export function createApi(options: ApiOptions): Engine {
  const { store, flow } = options;
  const tokenTTL = options.tokenTTL ?? 3600;
  // Read once: it is made on first start and never changes.
  const secret = store.jwtSecret();
  setMode('release');
  const engine = createEngine({ handleMethodNotAllowed: true });

  // The handler stage of the waterfall, and the gin route in the flow.
  const h =
    (fn: (c: Context) => void | Promise<void>): HandlerFunc =>
    (c: Context) => {
      flow.note(c.request, { route: `${c.request.method} ${c.fullPath()}` });
      const end = startSpan(c.request, 'handler');
      let p: void | Promise<void>;
      try {
        p = fn(c);
      } catch (err) {
        end();
        throw err;
      }
      if (p === undefined) return end();
      return p.finally(end);
    };
  const db = <T>(c: Context, fn: () => T): T => {
    const end = startSpan(c.request, 'sqlite');
    try {
      return fn();
    } finally {
      end();
    }
  };

  const auth = wrapMiddleware(
    traced('jwt', jwt({ algorithms: ['HS256'], secret, realm: 'servehttp-demo' })),
  );
  const currentUser = (c: Context): number => Number(getJWTClaims(c.request)?.sub ?? 0);
  const loginLimit = wrapMiddleware(
    traced('login-limit', rateLimit({ limit: options.loginLimit ?? 5, windowMs: 60_000 })),
  );

  const v1 = engine.group('/api/v1');

  v1.post(
    '/login',
    loginLimit,
    h(async (c) => {
      const body = await bindBody(c, loginSchema);
      if (body === undefined) return;
      const user = db(c, () => store.userForLogin(body.name));
      // Verify against a real hash even for an unknown name, so timing does not reveal names.
      const ok = await Bun.password.verify(body.password, user?.passwordHash ?? dummyHash);
      if (user === undefined || !ok) {
        return fail(c, StatusUnauthorized, 'wrong name or password');
      }
      const token = signToken(secret, { sub: String(user.id), name: user.name }, tokenTTL);
      c.json(StatusOK, { token, tokenType: 'Bearer', expiresIn: tokenTTL, user: user.name });
    }),
  );

  v1.get(
    '/me',
    auth,
    h((c) => {
      const id = currentUser(c);
      const user = db(c, () => store.userByID(id));
      if (user === undefined) return fail(c, StatusUnauthorized, 'the token names no user');
      c.json(StatusOK, {
        ...user,
        posts: db(c, () => store.postCount(id)),
        clientIP: c.clientIP(),
      });
    }),
  );

  // gin's tree: the static `follow` segment wins over `:name` (and `/user/follow` is a user).
  v1.get(
    '/user/follow/count',
    h((c) => c.json(StatusOK, { count: db(c, () => store.followCount()) })),
  );
  v1.get(
    '/user/:name',
    h((c) => {
      const user = db(c, () => store.userByName(c.param('name')));
      if (user === undefined)
        return fail(c, StatusNotFound, `no user ${JSON.stringify(c.param('name'))}`);
      c.json(StatusOK, user);
    }),
  );

  v1.get(
    '/posts',
    h((c) => {
      const limitRaw = c.defaultQuery('limit', '20');
      const beforeRaw = c.defaultQuery('before', '');
      const limit = Number(limitRaw);
      if (!/^[0-9]+$/.test(limitRaw) || limit < 1 || limit > 100) {
        return fail(c, StatusBadRequest, 'limit must be an integer from 1 to 100');
      }
      if (beforeRaw !== '' && !/^[1-9][0-9]{0,15}$/.test(beforeRaw)) {
        return fail(c, StatusBadRequest, 'before must be a post id');
      }
      const posts = db(c, () =>
        store.listPosts(limit, beforeRaw === '' ? undefined : Number(beforeRaw)),
      );
      c.json(StatusOK, { posts });
    }),
  );
  v1.get(
    '/posts/:id',
    h((c) => {
      const id = idParam(c);
      if (id === undefined) return;
      const post = db(c, () => store.getPost(id));
      if (post === undefined) return fail(c, StatusNotFound, `no post ${id}`);
      c.json(StatusOK, post);
    }),
  );
  v1.post(
    '/posts',
    auth,
    h(async (c) => {
      const body = await bindBody(c, newPostSchema);
      if (body === undefined) return;
      const post = db(c, () => store.createPost(currentUser(c), body.title, body.body));
      c.header('Location', `/api/v1/posts/${post.id}`);
      c.json(StatusCreated, post);
    }),
  );
  v1.delete(
    '/posts/:id',
    auth,
    h((c) => {
      const id = idParam(c);
      if (id === undefined) return;
      const owner = db(c, () => store.postOwner(id));
      if (owner === undefined) return fail(c, StatusNotFound, `no post ${id}`);
      if (owner !== currentUser(c))
        return fail(c, StatusForbidden, 'you can only delete your own posts');
      db(c, () => store.deletePost(id));
      c.status(204);
    }),
  );

  v1.get(
    '/panic',
    h(() => {
      throw new Error('demo: this gin handler panics on purpose (recovery answers 500)');
    }),
  );

  v1.get(
    '/slow',
    h(async (c) => {
      const ms = Math.min(Math.max(Number(c.defaultQuery('ms', '300')) || 0, 0), 5000);
      const signal = c.request.context().signal;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
      if (!signal.aborted) c.json(StatusOK, { slept: ms });
    }),
  );

  return engine;
}

// A bcrypt hash of a random string, verified against when the name is unknown.
const dummyHash = Bun.password.hashSync(crypto.randomUUID(), { algorithm: 'bcrypt', cost: 6 });

const hints: Record<number, string> = {
  401: 'POST /api/v1/login with {"name":"gopher","password":"demo"}, then send Authorization: Bearer <token>',
  429: 'slow down: see the Retry-After header',
};

class JSONErrorWriter extends ResponseWriterWrapper {
  converting = false;
  text = '';

  override writeHeader(statusCode: number): void {
    if (!this.wroteHeader && statusCode >= 400) {
      const h = this.header();
      const ct = h.get('Content-Type');
      if (ct === '' || ct.startsWith('text/plain')) {
        this.converting = true;
        h.set('Content-Type', 'application/json; charset=utf-8');
        h.delete('Content-Length');
      }
    }
    super.writeHeader(statusCode);
  }

  override write(chunk: string | Uint8Array): void | Promise<void> {
    if (!this.wroteHeader) this.writeHeader(StatusOK);
    if (this.converting) {
      this.text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
      return;
    }
    return super.write(chunk);
  }

  finish(): void {
    if (!this.converting) return;
    this.converting = false;
    const status = this.status;
    const error = this.text.trim() || statusText(status);
    const body: Record<string, unknown> = { error, status };
    const hint = hints[status];
    if (hint !== undefined) body.hint = hint;
    const retry = this.header().get('Retry-After');
    if (retry !== '') body.retryAfterSeconds = Number(retry);
    void super.write(`${JSON.stringify(body)}\n`);
  }
}

/**
 * Middleware: under `/api/`, an error answered in plain text (middleware-kit's 401/400 bearer
 * refusals, 413, 429, gin's `404 page not found`) goes out as `{"error", "status", "hint"?}` JSON
 * with the same status and headers. The middleware keep their reference behaviour (Hono, Go);
 * this is the application deciding its API speaks JSON.
 */
export function apiErrors(next: Handler): Handler {
  return {
    serveHTTP(w: ResponseWriter, r: Request): void | Promise<void> {
      if (!r.url.path.startsWith('/api/')) return next.serveHTTP(w, r);
      const jw = new (JSONErrorWriter.variant(w))(w);
      const p = next.serveHTTP(jw, r);
      if (p === undefined) return jw.finish();
      return p.then(() => jw.finish());
    },
  };
}
