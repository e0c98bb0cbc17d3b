/**
 * The demo's persistence: users, posts and follows in one SQLite file through `bun:sqlite`.
 *
 * Design: the file lives at `<dataDir>/demo.sqlite`; WAL journal mode lets readers run beside the
 * one writer and lets several processes (cluster mode) share the file, with `busy_timeout` making
 * a writer wait for another process's lock instead of failing. The schema is created on first
 * start inside one transaction and stamped with `PRAGMA user_version`, so a restart finds it and
 * skips the seed. Every statement is prepared once here; requests only bind and step. Writes that
 * belong together (a post and its id) are single statements, so a refused request never leaves a
 * half-written row. `synchronous` stays at SQLite's FULL default: a committed post survives a
 * crash of the process, not only a graceful shutdown.
 *
 * Example: `openStore('/var/lib/demo')` on an empty directory creates `demo.sqlite`, the four
 * tables and the demo users `gopher` and `gin` (password `demo`); `createPost(1, 'hi', 'body')`
 * returns `{ id: 1, author: 'gopher', … }`; after `close()` and `openStore` again, `getPost(1)`
 * returns the same row.
 */
import { Database, type Statement } from 'bun:sqlite';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** A user as the API shows it (never the password hash). */
export interface User {
  /** Row id. */
  id: number;
  /** Login name, unique. */
  name: string;
  /** Display name. */
  displayName: string;
  /** ISO-8601 creation time. */
  createdAt: string;
}

/** A post as the API shows it. */
export interface Post {
  /** Row id. */
  id: number;
  /** The author's login name. */
  author: string;
  /** Title, 1–120 characters. */
  title: string;
  /** Body, 1–4000 characters. */
  body: string;
  /** ISO-8601 creation time. */
  createdAt: string;
}

/** The demo users seeded on first start; their password is {@link demoPassword}. */
export const demoUsers: readonly { name: string; displayName: string }[] = [
  { name: 'gopher', displayName: 'The Gopher' },
  { name: 'gin', displayName: 'Gin Tonic' },
];

/** The password of every seeded demo user (it is a demo: say so in the README). */
export const demoPassword = 'demo';

const schemaVersion = 1;

const schema = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS posts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS posts_user ON posts(user_id);
CREATE TABLE IF NOT EXISTS follows (
  follower_id INTEGER NOT NULL REFERENCES users(id),
  followee_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (follower_id, followee_id)
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

interface UserRow {
  id: number;
  name: string;
  display_name: string;
  created_at: string;
}

interface PostRow {
  id: number;
  author: string;
  title: string;
  body: string;
  created_at: string;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  displayName: r.display_name,
  createdAt: r.created_at,
});

const toPost = (r: PostRow): Post => ({
  id: r.id,
  author: r.author,
  title: r.title,
  body: r.body,
  createdAt: r.created_at,
});

const postColumns =
  'SELECT posts.id, users.name AS author, posts.title, posts.body, posts.created_at FROM posts JOIN users ON users.id = posts.user_id';

/**
 * The open database with its prepared statements. Made by {@link openStore}; `close()` it after
 * the server's `shutdown()` resolved, so no request is left holding a statement.
 */
export class Store {
  /** The file's path. */
  readonly path: string;
  readonly #db: Database;
  #closed = false;
  readonly #userByName: Statement<UserRow & { password_hash: string }, [string]>;
  readonly #userByID: Statement<UserRow, [number]>;
  readonly #listPosts: Statement<PostRow, [number, number]>;
  readonly #getPost: Statement<PostRow, [number]>;
  readonly #insertPost: Statement<PostRow, [number, string, string]>;
  readonly #deletePost: Statement<{ id: number }, [number]>;
  readonly #postOwner: Statement<{ user_id: number }, [number]>;
  readonly #followCount: Statement<{ n: number }, []>;
  readonly #postCount: Statement<{ n: number }, [number]>;

  /** Opens (creating if needed) `<dataDir>/demo.sqlite`. Use {@link openStore}. */
  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, 'demo.sqlite');
    const db = new Database(this.path, { create: true, strict: true });
    this.#db = db;
    db.run('PRAGMA journal_mode = WAL');
    db.run('PRAGMA busy_timeout = 5000');
    db.run('PRAGMA foreign_keys = ON');
    this.#migrate();
    this.#userByName = db.query(
      'SELECT id, name, display_name, created_at, password_hash FROM users WHERE name = ?',
    );
    this.#userByID = db.query('SELECT id, name, display_name, created_at FROM users WHERE id = ?');
    this.#listPosts = db.query(`${postColumns} WHERE posts.id < ? ORDER BY posts.id DESC LIMIT ?`);
    this.#getPost = db.query(`${postColumns} WHERE posts.id = ?`);
    // RETURNING gives the row as stored (its id and default time) in the same statement.
    this.#insertPost = db.query(
      `INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)
       RETURNING id, (SELECT name FROM users WHERE users.id = posts.user_id) AS author, title, body, created_at`,
    );
    this.#deletePost = db.query('DELETE FROM posts WHERE id = ? RETURNING id');
    this.#postOwner = db.query('SELECT user_id FROM posts WHERE id = ?');
    this.#followCount = db.query('SELECT count(*) AS n FROM follows');
    this.#postCount = db.query('SELECT count(*) AS n FROM posts WHERE user_id = ?');
  }

  // Creates the schema and seeds the demo users once. BEGIN IMMEDIATE takes the write lock
  // before reading user_version, so two cluster workers starting together cannot both seed.
  #migrate(): void {
    const db = this.#db;
    db.run('BEGIN IMMEDIATE');
    try {
      const row = db.query<{ user_version: number }, []>('PRAGMA user_version').get();
      if ((row?.user_version ?? 0) < schemaVersion) {
        db.run(schema);
        const hash = Bun.password.hashSync(demoPassword, { algorithm: 'bcrypt', cost: 6 });
        const add = db.query(
          'INSERT OR IGNORE INTO users (name, display_name, password_hash) VALUES (?, ?, ?)',
        );
        for (const u of demoUsers) add.run(u.name, u.displayName, hash);
        db.run(
          `INSERT OR IGNORE INTO follows (follower_id, followee_id)
           SELECT a.id, b.id FROM users a, users b WHERE a.name = 'gin' AND b.name = 'gopher'`,
        );
        db.run(`INSERT OR IGNORE INTO settings (key, value) VALUES ('jwt_secret', ?)`, [
          randomBytes(32).toString('base64url'),
        ]);
        db.run(`PRAGMA user_version = ${schemaVersion}`);
      }
      db.run('COMMIT');
    } catch (err) {
      db.run('ROLLBACK');
      throw err;
    }
  }

  /** The secret that signs login tokens, made once per data directory (shared by workers). */
  jwtSecret(): string {
    const row = this.#db
      .query<{ value: string }, []>(`SELECT value FROM settings WHERE key = 'jwt_secret'`)
      .get();
    if (row === null) throw new Error('demo: the settings table has no jwt_secret');
    return row.value;
  }

  /** The user called `name` with the password hash, for login; `undefined` when unknown. */
  userForLogin(name: string): (User & { passwordHash: string }) | undefined {
    const r = this.#userByName.get(name);
    return r === null ? undefined : { ...toUser(r), passwordHash: r.password_hash };
  }

  /** The user called `name`; `undefined` when unknown. */
  userByName(name: string): User | undefined {
    const r = this.#userByName.get(name);
    return r === null ? undefined : toUser(r);
  }

  /** The user with row id `id`; `undefined` when unknown. */
  userByID(id: number): User | undefined {
    const r = this.#userByID.get(id);
    return r === null ? undefined : toUser(r);
  }

  /** Up to `limit` posts older than `before` (a post id), newest first. */
  listPosts(limit: number, before: number = Number.MAX_SAFE_INTEGER): Post[] {
    return this.#listPosts.all(before, limit).map(toPost);
  }

  /** The post `id`; `undefined` when there is none. */
  getPost(id: number): Post | undefined {
    const r = this.#getPost.get(id);
    return r === null ? undefined : toPost(r);
  }

  /** Stores a post by user `userID` and returns it as stored. */
  createPost(userID: number, title: string, body: string): Post {
    const r = this.#insertPost.get(userID, title, body);
    if (r === null) throw new Error('demo: INSERT … RETURNING gave no row');
    return toPost(r);
  }

  /** The author's user id of post `id`; `undefined` when there is no such post. */
  postOwner(id: number): number | undefined {
    return this.#postOwner.get(id)?.user_id;
  }

  /** Deletes post `id`; whether a row went. */
  deletePost(id: number): boolean {
    return this.#deletePost.get(id) !== null;
  }

  /** How many follow edges exist. */
  followCount(): number {
    return this.#followCount.get()?.n ?? 0;
  }

  /** How many posts user `userID` wrote. */
  postCount(userID: number): number {
    return this.#postCount.get(userID)?.n ?? 0;
  }

  /** Runs read-only SQL for tests and tools (a snapshot of tables to compare). */
  snapshot(): string {
    const posts = this.#db.query('SELECT * FROM posts ORDER BY id').all();
    const users = this.#db.query('SELECT id, name FROM users ORDER BY id').all();
    const follows = this.#db.query('SELECT * FROM follows ORDER BY 1, 2').all();
    const seq = this.#db.query(`SELECT * FROM sqlite_sequence`).all();
    return JSON.stringify({ posts, users, follows, seq });
  }

  /** Closes the database (checkpointing the WAL). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close(false);
  }
}

/** Opens the store under `dataDir` (created if missing). */
export function openStore(dataDir: string): Store {
  return new Store(dataDir);
}
