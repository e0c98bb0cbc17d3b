/**
 * Serving files from disk: `c.file()` and the handler behind `static`/`staticFS`.
 * Go: `http.ServeFile`/`http.FileServer`, reduced to what gin's callers rely on.
 */
import { ErrNotSupported } from '@servehttp/core-listener';
import type { Context } from './context.ts';
import { httpDate } from './render.ts';

/** What a static file system returns for a name. */
export interface FileInfo {
  /** Whether it is a directory. */
  readonly isDirectory: boolean;
  /** Size in bytes. */
  readonly size: number;
  /** Modification time. */
  readonly mtime: Date;
}

/**
 * A read-only file tree for `staticFS`. `name` is a cleaned, rooted path (`/css/a.css`); return
 * `undefined` when it does not exist. gin: `http.FileSystem`.
 */
export interface FileSystem {
  /** Facts about `name`, or `undefined`. */
  stat(name: string): Promise<FileInfo | undefined>;
  /** The content of the file `name`. */
  read(name: string): Promise<Uint8Array>;
}

/**
 * A {@link FileSystem} over the directory `root` on disk (no directory listings, as gin's
 * `Dir(root, false)`). Names cannot escape `root`: they are cleaned before joining.
 */
export function dir(root: string): FileSystem {
  const load = async () => ({
    fs: await import('node:fs/promises'),
    path: await import('node:path'),
  });
  return {
    async stat(name) {
      const { fs, path } = await load();
      try {
        const s = await fs.stat(path.join(root, path.posix.normalize(`/${name}`)));
        return { isDirectory: s.isDirectory(), size: s.size, mtime: s.mtime };
      } catch {
        return undefined;
      }
    },
    async read(name) {
      const { fs, path } = await load();
      return new Uint8Array(await fs.readFile(path.join(root, path.posix.normalize(`/${name}`))));
    },
  };
}

const mimeTypes: Record<string, string> = {
  '.avif': 'image/avif',
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml; charset=utf-8',
};

/** Go's `mime.TypeByExtension` for the common types; `''` for others (then sniffed). */
export function typeByExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? '' : (mimeTypes[name.slice(dot).toLowerCase()] ?? '');
}

/**
 * Serves `name` from `fs` to `c`: 404 `404 page not found` when missing or a directory without
 * `index.html`, `If-Modified-Since` → 304, HEAD without a body. Ranges are not supported.
 * Go: `serveFile` (a subset).
 */
export async function serveFrom(c: Context, fs: FileSystem, name: string): Promise<void> {
  let target = name;
  let info = await fs.stat(target);
  if (info?.isDirectory) {
    target = `${target.replace(/\/$/, '')}/index.html`;
    info = await fs.stat(target);
  }
  const w = c.writer;
  if (info === undefined || info.isDirectory) {
    w.header().set('Content-Type', 'text/plain; charset=utf-8');
    w.header().set('X-Content-Type-Options', 'nosniff');
    c.status(404);
    await w.write('404 page not found\n');
    return;
  }
  const h = w.header();
  const modified = new Date(Math.floor(info.mtime.getTime() / 1000) * 1000);
  h.set('Last-Modified', httpDate(modified));
  const ims = Date.parse(c.request.header.get('If-Modified-Since'));
  if (!Number.isNaN(ims) && modified.getTime() <= ims) {
    h.delete('Content-Type');
    h.delete('Content-Length');
    c.status(304);
    w.writeHeaderNow();
    return;
  }
  const ct = typeByExtension(target);
  if (ct !== '' && !h.has('Content-Type')) h.set('Content-Type', ct);
  h.set('Accept-Ranges', 'bytes');
  h.set('Content-Length', String(info.size));
  if (c.request.method === 'HEAD') {
    w.writeHeaderNow();
    return;
  }
  try {
    await w.write(await fs.read(target));
  } catch (err) {
    if (err === ErrNotSupported) return;
    throw err;
  }
}

/** `c.file(path)`: serves one file from disk. */
export async function serveFile(c: Context, filepath: string): Promise<void> {
  const { dirname, basename } = await import('node:path');
  return serveFrom(c, dir(dirname(filepath)), `/${basename(filepath)}`);
}
