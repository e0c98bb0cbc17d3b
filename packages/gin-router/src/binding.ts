/**
 * Binding: turning a request's JSON body, query, form, path parameters or header into a value,
 * then validating it with any Standard Schema validator (zod, valibot, arktype…). gin: `binding/`,
 * with the struct tags and go-playground/validator replaced by a schema.
 *
 * Key/value sources (query, form, URI, header) become a plain object: one value → a string,
 * several → an array of strings. A schema with coercion (`z.coerce.number()`) does what gin's
 * reflection-based form mapping does for typed struct fields.
 */

import type { Request } from '@servehttp/core-listener';
import type { StandardSchemaV1 } from '@standard-schema/spec';

/** MIME types. gin: `binding.MIME…`. */
export const MIMEJSON = 'application/json';
/** `text/html`. */
export const MIMEHTML = 'text/html';
/** `application/xml`. */
export const MIMEXML = 'application/xml';
/** `text/xml`. */
export const MIMEXML2 = 'text/xml';
/** `text/plain`. */
export const MIMEPlain = 'text/plain';
/** `application/x-www-form-urlencoded`. */
export const MIMEPOSTForm = 'application/x-www-form-urlencoded';
/** `multipart/form-data`. */
export const MIMEMultipartPOSTForm = 'multipart/form-data';
/** `application/x-protobuf`. */
export const MIMEPROTOBUF = 'application/x-protobuf';
/** `application/x-msgpack` (recognised, not decoded here). */
export const MIMEMSGPACK = 'application/x-msgpack';
/** `application/msgpack` (recognised, not decoded here). */
export const MIMEMSGPACK2 = 'application/msgpack';
/** `application/x-yaml`. */
export const MIMEYAML = 'application/x-yaml';
/** `application/yaml`. */
export const MIMEYAML2 = 'application/yaml';
/** `application/toml`. */
export const MIMETOML = 'application/toml';
/** `application/bson` (recognised, not decoded here). */
export const MIMEBSON = 'application/bson';

/**
 * A body larger than allowed (`maxMultipartMemory`, or Go's 10 MB cap on url-encoded forms);
 * `bind*` answers 413 for it. Go: `http.MaxBytesError` ("http: request body too large").
 */
export class MaxBytesError extends Error {
  /** The limit that was exceeded, in bytes. */
  readonly limit: number;
  /** Builds the error for `limit`. */
  constructor(limit: number) {
    super('http: request body too large');
    this.name = 'MaxBytesError';
    this.limit = limit;
  }
}

/**
 * A request that could not be bound: malformed input (`EOF` for an empty JSON body, as gin's
 * decoder says; the parser's reason otherwise) or a value the schema rejected, with its
 * Standard Schema `issues`. `bind*` answers 400 for it.
 */
export class BindingError extends Error {
  /** The schema's issues; empty for a decoding error. */
  readonly issues: readonly StandardSchemaV1.Issue[];
  /** Builds the error. */
  constructor(message: string, issues: readonly StandardSchemaV1.Issue[] = [], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'BindingError';
    this.issues = issues;
  }
}

function issuePath(issue: StandardSchemaV1.Issue): string {
  if (issue.path === undefined || issue.path.length === 0) return '';
  return issue.path
    .map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p)))
    .join('.');
}

/**
 * Validates `value` with `schema`; returns the schema's output.
 * @throws {BindingError} listing every issue as `path: message`, joined by `; `.
 */
export async function validate<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): Promise<StandardSchemaV1.InferOutput<S>> {
  let result = schema['~standard'].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues !== undefined) {
    const msg = result.issues
      .map((i) => {
        const p = issuePath(i);
        return p === '' ? i.message : `${p}: ${i.message}`;
      })
      .join('; ');
    throw new BindingError(msg, result.issues);
  }
  return result.value as StandardSchemaV1.InferOutput<S>;
}

/** Builds the binding object from multi-valued pairs (see the module doc). */
export function valuesToObject(entries: Iterable<[string, string]>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of entries) {
    // Own-property check only: the object has no prototype, so '__proto__' is a plain key.
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [prev as string, v];
  }
  return out;
}

/**
 * Reads the whole body, failing with {@link MaxBytesError} as soon as it exceeds `limit` bytes
 * (early, from `Content-Length`, when the client declared it).
 */
export async function readBodyLimited(r: Request, limit: number): Promise<Uint8Array> {
  if (r.contentLength > limit) throw new MaxBytesError(limit);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of r) {
    total += chunk.length;
    if (total > limit) throw new MaxBytesError(limit);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Go's `maxFormSize` for url-encoded bodies: 10 MB. */
export const maxFormSize: number = 10 << 20;

/** An uploaded file of a multipart form. gin: `*multipart.FileHeader`. */
export interface FileHeader {
  /** The file name the client sent (`filename=` of the part). */
  readonly filename: string;
  /** The part's `Content-Type`, `''` if none. */
  readonly contentType: string;
  /** Size in bytes. */
  readonly size: number;
  /** The content. */
  bytes(): Promise<Uint8Array>;
}

/** A parsed multipart form. gin: `*multipart.Form`. */
export interface MultipartForm {
  /** Text fields. */
  readonly value: Map<string, string[]>;
  /** File fields. */
  readonly file: Map<string, FileHeader[]>;
}

/**
 * Parses a `multipart/form-data` body of at most `limit` bytes with the platform's web
 * `Response.formData()`.
 * @throws {MaxBytesError} for a bigger body; {@link BindingError} for a malformed one.
 */
export async function parseMultipart(
  r: Request,
  contentType: string,
  limit: number,
): Promise<MultipartForm> {
  const body = await readBodyLimited(r, limit);
  let fd: FormData;
  try {
    fd = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    throw new BindingError(
      `multipart: ${err instanceof Error ? err.message : String(err)}`,
      [],
      err,
    );
  }
  const value = new Map<string, string[]>();
  const file = new Map<string, FileHeader[]>();
  for (const [k, v] of fd) {
    if (typeof v === 'string') {
      const list = value.get(k);
      if (list === undefined) value.set(k, [v]);
      else list.push(v);
      continue;
    }
    const blob = v as File;
    const fh: FileHeader = {
      filename: blob.name,
      contentType: blob.type,
      size: blob.size,
      bytes: async () => new Uint8Array(await blob.arrayBuffer()),
    };
    const list = file.get(k);
    if (list === undefined) file.set(k, [fh]);
    else list.push(fh);
  }
  return { value, file };
}
