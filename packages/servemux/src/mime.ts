/**
 * File extension → media type, for `serveContent`. Go: `mime.TypeByExtension` with its built-in
 * table (`mime/type.go`), plus a few entries Go normally gets from the system's `mime.types`.
 * Deliberately static: the system table differs between machines, and a response should not.
 */
const types: Record<string, string> = {
  // Go's built-in table.
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
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml; charset=utf-8',
  // Common entries of /etc/mime.types (Go adds charset=utf-8 to text/* from there).
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ico': 'image/vnd.microsoft.icon',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
};

/** The media type for an extension such as `.css` (case-insensitive), or `''`. */
export function typeByExtension(ext: string): string {
  return types[ext] ?? types[ext.toLowerCase()] ?? '';
}
