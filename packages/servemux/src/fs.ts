/**
 * The small file-system interface the file server reads through, and its `node:fs`
 * implementation. Go: `http.FileSystem`, `http.File`, `http.Dir`.
 *
 * Names are slash-separated and rooted (`/css/site.css`), already cleaned by the caller; an
 * implementation maps them onto its own storage and must never reach outside its root.
 */
import { open as fsOpen, readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** What the file server needs to know about a file or directory. Go: `fs.FileInfo`. */
export interface FileInfo {
  /** The base name (`site.css`). */
  readonly name: string;
  /** Size in bytes (0 for directories). */
  readonly size: number;
  /** Last modification time; `new Date(0)` when unknown (then no `Last-Modified` is sent). */
  readonly modTime: Date;
  /** Whether this is a directory. */
  readonly isDirectory: boolean;
}

/** An open file or directory. Go: `http.File`. */
export interface File {
  /** Facts about the file. */
  stat(): Promise<FileInfo>;
  /** Bytes `[start, end)`; may return fewer only at the end of the file. */
  read(start: number, end: number): Promise<Uint8Array>;
  /** The entries of a directory (any order). Throws for a plain file. */
  readdir(): Promise<FileInfo[]>;
  /** Releases the file. */
  close(): Promise<void>;
}

/**
 * A tree of files the file server can open. `open` throws an error whose `code` is `ENOENT` (or
 * `ENOTDIR`) for a missing file — answered 404 — or `EACCES`/`EPERM` — 403; anything else is a
 * 500. Go: `http.FileSystem`.
 */
export interface FileSystem {
  /** Opens `name` (slash-separated, rooted, clean). */
  open(name: string): Promise<File>;
}

/** An error with a `code`, as `node:fs` throws and {@link FileSystem} implementations should. */
export class FSError extends Error {
  /** `ENOENT`, `EACCES`, … */
  readonly code: string;

  /** Builds the error. */
  constructor(code: string, message: string) {
    super(message);
    this.name = 'FSError';
    this.code = code;
  }
}

/**
 * A {@link FileSystem} over the directory `root` of the local disk (`'.'` when empty), through
 * `node:fs/promises`. Names are cleaned and joined under `root`, so `..` cannot climb out; a name
 * with a backslash (or the platform separator) is refused. Symbolic links are followed, as Go's
 * `http.Dir` does. Go: `http.Dir`.
 */
export function dir(root: string): FileSystem {
  const base = root === '' ? '.' : root;
  return {
    async open(name) {
      if (name.includes('\\') || (sep !== '/' && name.includes(sep)) || name.includes('\0')) {
        throw new FSError('EINVAL', 'http: invalid character in file path');
      }
      // Re-root and clean: `/../x` cannot leave `base`.
      const parts: string[] = [];
      for (const p of name.split('/')) {
        if (p === '' || p === '.') continue;
        if (p === '..') parts.pop();
        else parts.push(p);
      }
      const full = join(base, ...parts);
      const fh = await fsOpen(full, 'r');
      const baseName = parts.length > 0 ? (parts[parts.length - 1] as string) : '/';
      return {
        async stat() {
          const st = await fh.stat();
          return {
            name: baseName,
            size: st.isDirectory() ? 0 : st.size,
            modTime: st.mtime,
            isDirectory: st.isDirectory(),
          };
        },
        async read(start, end) {
          const len = Math.max(0, end - start);
          const buf = new Uint8Array(len);
          let got = 0;
          while (got < len) {
            const { bytesRead } = await fh.read(buf, got, len - got, start + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          return got === len ? buf : buf.subarray(0, got);
        },
        async readdir() {
          const entries = await readdir(full, { withFileTypes: true });
          const out: FileInfo[] = [];
          for (const e of entries) {
            let isDirectory = e.isDirectory();
            if (e.isSymbolicLink()) {
              isDirectory = await stat(join(full, e.name)).then(
                (s) => s.isDirectory(),
                () => false,
              );
            }
            out.push({ name: e.name, size: 0, modTime: new Date(0), isDirectory });
          }
          return out;
        },
        async close() {
          await fh.close();
        },
      };
    },
  };
}

function hasDotSegment(name: string): boolean {
  for (const part of name.split('/')) if (part.startsWith('.')) return true;
  return false;
}

/**
 * Wraps `fs` so that files and directories whose name starts with `.` do not exist: opening one
 * (or anything under one) is a 404, and directory listings leave them out. Go offers this as an
 * example (`dotFileHidingFileSystem` in `example_filesystem_test.go`); here it is an export, since
 * serving `.git` or `.env` by accident is the classic file-server leak.
 */
export function hideDotFiles(fs: FileSystem): FileSystem {
  return {
    async open(name) {
      if (hasDotSegment(name)) throw new FSError('ENOENT', `open ${name}: file does not exist`);
      const f = await fs.open(name);
      return {
        stat: () => f.stat(),
        read: (start, end) => f.read(start, end),
        readdir: async () => (await f.readdir()).filter((e) => !e.name.startsWith('.')),
        close: () => f.close(),
      };
    },
  };
}
