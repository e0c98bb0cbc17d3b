/**
 * `fileServer` and `serveFile`: serving a tree of files. Go: `http.FileServer`, `http.ServeFile`,
 * `http.ServeFileFS` and `serveFile` in `net/http/fs.go`.
 *
 * Design note. A request path is cleaned (`/a/../b` → `/b`) before it becomes a file name, so it
 * can never name anything outside the root; the {@link FileSystem} re-roots it again. Canonical
 * URLs are enforced with relative 301s: a directory needs a trailing slash (`/docs` →
 * `docs/`), a file must not have one (`/a.txt/` → `../a.txt`), and `…/index.html` is served as
 * `…/`. A directory is answered by its `index.html` when there is one, else by a listing.
 *
 * Example: root holds `docs/index.html`. `GET /docs` → 301 `Location: docs/`; `GET /docs/` → the
 * index page through `serveContent` (ranges, conditionals); `GET /docs/index.html` → 301 `./`.
 */

import { dirname, basename as nodeBasename } from 'node:path';
import {
  escapePath,
  type Handler,
  type Request,
  type ResponseWriter,
  StatusBadRequest,
  StatusForbidden,
  StatusInternalServerError,
  StatusMovedPermanently,
  StatusNotFound,
} from '@servehttp/core-listener';
import { dir, type File, type FileInfo, type FileSystem } from './fs.ts';
import { htmlEscape } from './helpers.ts';
import { pathClean } from './path.ts';
import {
  checkIfModifiedSince,
  serveContent,
  serveError,
  setLastModified,
  writeNotModified,
} from './serve-content.ts';

const indexPage = '/index.html';

// Go's toHTTPError: the message and status for a file-system error.
function toHTTPError(err: unknown): [string, number] {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return ['404 page not found', StatusNotFound];
  if (code === 'EACCES' || code === 'EPERM') return ['403 Forbidden', StatusForbidden];
  return ['500 Internal Server Error', StatusInternalServerError];
}

// Go's localRedirect: a relative Location, keeping the query.
function localRedirect(w: ResponseWriter, r: Request, newPath: string): void {
  const q = r.url.rawQuery;
  if (q !== '') newPath += `?${q}`;
  w.header().set('Location', newPath);
  w.writeHeader(StatusMovedPermanently);
}

// Go's path.Base.
function pathBase(p: string): string {
  if (p === '') return '.';
  while (p.length > 0 && p.endsWith('/')) p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

// `url.URL{Path: name}.String()` for a relative name: escaped, with `./` in front when the
// first segment has a colon (so it cannot read as a scheme).
function relativeHref(name: string): string {
  const p = escapePath(name);
  const slash = p.indexOf('/');
  return (slash === -1 ? p : p.slice(0, slash)).includes(':') ? `./${p}` : p;
}

async function dirList(w: ResponseWriter, r: Request, f: File): Promise<void> {
  let entries: FileInfo[];
  try {
    entries = await f.readdir();
  } catch {
    serveError(w, 'Error reading directory', StatusInternalServerError);
    return;
  }
  // Sorted by name, byte-wise as Go's string comparison.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  w.header().set('Content-Type', 'text/html; charset=utf-8');
  let out = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n';
  for (const e of entries) {
    const name = e.isDirectory ? `${e.name}/` : e.name;
    // `?` and `#` in a name must stay part of the path, hence the escaping.
    out += `<a href="${relativeHref(name)}">${htmlEscape(name)}</a>\n`;
  }
  out += '</pre>\n';
  if (r.method !== 'HEAD') await w.write(out);
}

async function serveFileFrom(
  w: ResponseWriter,
  r: Request,
  fs: FileSystem,
  name: string,
  redirect: boolean,
): Promise<void> {
  const upath = r.url.path;
  if (upath.endsWith(indexPage)) {
    localRedirect(w, r, './');
    return;
  }
  let f: File;
  try {
    f = await fs.open(name);
  } catch (err) {
    const [msg, code] = toHTTPError(err);
    serveError(w, msg, code);
    return;
  }
  const opened: File[] = [f];
  try {
    let d: FileInfo;
    try {
      d = await f.stat();
    } catch (err) {
      const [msg, code] = toHTTPError(err);
      serveError(w, msg, code);
      return;
    }
    if (redirect) {
      if (d.isDirectory) {
        if (!upath.endsWith('/')) {
          localRedirect(w, r, `${pathBase(upath)}/`);
          return;
        }
      } else if (upath.endsWith('/')) {
        const base = pathBase(upath);
        if (base === '/' || base === '.') {
          // The file system mapped `/` to a file, not a directory.
          serveError(w, 'http: attempting to traverse a non-directory', StatusInternalServerError);
          return;
        }
        localRedirect(w, r, `../${base}`);
        return;
      }
    }
    if (d.isDirectory) {
      if (upath === '' || !upath.endsWith('/')) {
        localRedirect(w, r, `${pathBase(upath)}/`);
        return;
      }
      const index = (name.endsWith('/') ? name.slice(0, -1) : name) + indexPage;
      try {
        const ff = await fs.open(index);
        opened.push(ff);
        const dd = await ff.stat();
        d = dd;
        f = ff;
      } catch {
        // No index.html: list the directory.
      }
    }
    if (d.isDirectory) {
      if (checkIfModifiedSince(r, d.modTime) === 'false') {
        writeNotModified(w);
        return;
      }
      setLastModified(w, d.modTime);
      await dirList(w, r, f);
      return;
    }
    const file = f;
    await serveContent(w, r, d.name, d.modTime, {
      size: d.size,
      read: (start, end) => file.read(start, end),
    });
  } finally {
    for (const o of opened) await o.close().catch(() => {});
  }
}

/**
 * A handler that serves the files of `root`, the request path naming the file:
 * `fileServer(dir('./public'))`. Directories are served by their `index.html` or listed;
 * `…/index.html` redirects to `…/`; directory URLs get a trailing slash and file URLs lose one,
 * by relative 301 redirects. To serve under a prefix, wrap it:
 * `stripPrefix('/static/', fileServer(dir('./public')))`. Dotfiles are served like any file,
 * as in Go — wrap the file system in {@link hideDotFiles} to hide them. Go: `http.FileServer`.
 */
export function fileServer(root: FileSystem): Handler {
  return {
    serveHTTP(w, r) {
      let upath = r.url.path;
      if (!upath.startsWith('/')) upath = `/${upath}`;
      return serveFileFrom(w, r, root, pathClean(upath), true);
    },
  };
}

// Go's containsDotDot: a `..` element, with `/` or `\` as separators.
function containsDotDot(v: string): boolean {
  if (!v.includes('..')) return false;
  for (const ent of v.split(/[/\\]/)) if (ent === '..') return true;
  return false;
}

/**
 * Replies with the contents of the local file or directory `name` (a disk path). Requests whose
 * URL path contains a `..` element are refused with 400, since code often builds `name` from the
 * URL. `…/index.html` URLs redirect to `…/`; otherwise, unlike {@link fileServer}, no canonical
 * redirects. Go: `http.ServeFile`.
 */
export function serveFile(w: ResponseWriter, r: Request, name: string): Promise<void> {
  if (containsDotDot(r.url.path)) {
    serveError(w, 'invalid URL path', StatusBadRequest);
    return Promise.resolve();
  }
  const d = name.endsWith('/') ? name : dirname(name);
  const file = name.endsWith('/') ? '' : nodeBasename(name);
  return serveFileFrom(w, r, dir(d), `/${file}`, false);
}

/**
 * Replies with the file or directory `name` of the file system `fsys`, with the same `..` check
 * as {@link serveFile}. Go: `http.ServeFileFS`.
 */
export function serveFileFS(
  w: ResponseWriter,
  r: Request,
  fsys: FileSystem,
  name: string,
): Promise<void> {
  if (containsDotDot(r.url.path)) {
    serveError(w, 'invalid URL path', StatusBadRequest);
    return Promise.resolve();
  }
  return serveFileFrom(w, r, fsys, pathClean(`/${name}`), false);
}
