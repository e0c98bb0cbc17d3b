/**
 * `Header`: the header fields of a request or response, keyed by Go's canonical form.
 *
 * Design: one `Map` from canonical key (`content-type` → `Content-Type`) to the array of values in
 * the order they were added. Map iteration keeps insertion order, so a response is written in the
 * order the handler built it (Go's map iteration is random, and Go sorts on the wire; insertion
 * order is what JavaScript's `Headers` and Node do, and it is deterministic too).
 *
 * Invariants: every key in the map is a valid field name (a token), or `Trailer:` followed by
 * one; every value is a valid field value (no CR, LF, NUL or other control but HTAB, no code unit
 * above 0xFF); no key maps to an empty array. `set`/`add` enforce them by throwing, so a value
 * from a request can never smuggle a second header line into a response.
 *
 * Example: `h.add('x-id', '1'); h.add('X-ID', '2')` stores `X-Id → ['1', '2']`;
 * `h.get('x-id') === '1'`, `h.values('X-Id')` is `['1', '2']`.
 */
import { isTokenByte } from '@servehttp/http-parser';

/**
 * The prefix Go's server gives a header key to announce a trailer that was not declared in the
 * `Trailer` header before the body was written (`w.Header().Set("Trailer:X-Sum", v)`).
 * Go: `http.TrailerPrefix`.
 */
export const TrailerPrefix = 'Trailer:';

/** What a {@link Header} can be built from: another Header, a record, or `[name, value]` pairs. */
export type HeaderInit =
  | Header
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[]>;

/**
 * Thrown by {@link Header.set}, {@link Header.add} and the `Header` constructor for a field name
 * that is not an RFC 9110 token or a field value with a forbidden character. `index` is the
 * offending position in the name or value.
 */
export class InvalidHeaderError extends TypeError {
  /** The field name as given. */
  readonly field: string;
  /** Position of the first offending code unit in the name or the value. */
  readonly index: number;

  /** Builds the error; `message` already says which header and why. */
  constructor(message: string, field: string, index: number) {
    super(message);
    this.name = 'InvalidHeaderError';
    this.field = field;
    this.index = index;
  }
}

const noValues: readonly string[] = Object.freeze([]);
const toLower = 0x20;

// Header names that arrive or are set on nearly every message; returning the interned constant
// avoids building a new string for them (Go's textproto `commonHeader` does the same).
const common = new Map<string, string>();
for (const k of [
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Authorization',
  'Cache-Control',
  'Connection',
  'Content-Encoding',
  'Content-Length',
  'Content-Type',
  'Cookie',
  'Date',
  'Etag',
  'Host',
  'If-Modified-Since',
  'If-None-Match',
  'Last-Modified',
  'Location',
  'Origin',
  'Referer',
  'Set-Cookie',
  'Trailer',
  'Transfer-Encoding',
  'Upgrade',
  'User-Agent',
  'Vary',
  'X-Forwarded-For',
  'X-Forwarded-Proto',
  'X-Request-Id',
]) {
  common.set(k, k);
  common.set(k.toLowerCase(), k);
}

/**
 * Returns the canonical form of a header field name: the first letter and every letter after a
 * hyphen upper case, the rest lower case (`accept-encoding` → `Accept-Encoding`). A name that is
 * not a token (it has a space, a colon, a non-ASCII character…) is returned unchanged, as Go does
 * so that invalid names are never silently merged with valid ones.
 * Go: `http.CanonicalHeaderKey` / `textproto.CanonicalMIMEHeaderKey`.
 */
export function canonicalHeaderKey(s: string): string {
  const hit = common.get(s);
  if (hit !== undefined) return hit;
  // First pass: is it a token, and is it already canonical? Most names are, and then no string
  // is built at all.
  let upper = true;
  let canonical = true;
  const n = s.length;
  if (n === 0) return s;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!isTokenByte(c)) return s;
    if (upper ? c >= 0x61 && c <= 0x7a : c >= 0x41 && c <= 0x5a) canonical = false;
    upper = c === 0x2d;
  }
  if (canonical) return s;
  let out = '';
  upper = true;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (upper && c >= 0x61 && c <= 0x7a) c -= toLower;
    else if (!upper && c >= 0x41 && c <= 0x5a) c += toLower;
    out += String.fromCharCode(c);
    upper = c === 0x2d;
  }
  return common.get(out) ?? out;
}

function describeCodeUnit(c: number): string {
  const hex = `0x${c.toString(16).padStart(2, '0').toUpperCase()}`;
  if (c === 0x0d) return `${hex} (CR)`;
  if (c === 0x0a) return `${hex} (LF)`;
  if (c === 0x00) return `${hex} (NUL)`;
  if (c > 0xff) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c < 0x20 || c === 0x7f) return `${hex} (control character)`;
  return `${hex} ('${String.fromCharCode(c)}')`;
}

// The last four strings a check passed and what it answered, newest first: handlers set the
// same few names and values on every response, spelled the same way, and comparing with these
// is cheaper than hashing a name into the table or scanning a value. Four, not two: a
// middleware stack sets three names (X-Request-Id, Vary, Content-Type) and three values (one
// new every time) per response, which took turns evicting each other from two slots.
class Recent<T> {
  k0: string;
  v0: T;
  k1: string;
  v1: T;
  k2: string;
  v2: T;
  k3: string;
  v3: T;

  constructor(entries: readonly (readonly [string, T])[]) {
    const e = (i: number): readonly [string, T] => entries[i] ?? (entries[0] as [string, T]);
    [this.k0, this.v0] = e(0);
    [this.k1, this.v1] = e(1);
    [this.k2, this.v2] = e(2);
    [this.k3, this.v3] = e(3);
  }

  add(k: string, v: T): void {
    this.k3 = this.k2;
    this.v3 = this.v2;
    this.k2 = this.k1;
    this.v2 = this.v1;
    this.k1 = this.k0;
    this.v1 = this.v0;
    this.k0 = k;
    this.v0 = v;
  }
}

// Names found in the common table and their canonical forms. They start as true entries of it,
// so the cache can only ever answer what the table would.
const recentKeys = new Recent<string>(
  ['Content-Type', 'Content-Length', 'Vary', 'Cache-Control'].map((k) => [k, k] as const),
);

// The canonical form of a name a lookup was given: the recent names first, since handlers ask
// for the same few (`has('Content-Type')` before every render) and a string compare is cheaper
// than the table's hash.
function lookupKey(key: string): string {
  const r = recentKeys;
  if (key === r.k0) return r.v0;
  if (key === r.k1) return r.v1;
  if (key === r.k2) return r.v2;
  if (key === r.k3) return r.v3;
  return canonicalHeaderKey(key);
}

// Validates and canonicalizes a name given through the API. `Trailer:X-Name` (Go's TrailerPrefix
// form) is accepted with its suffix canonicalized.
function checkedKey(op: string, name: unknown): string {
  if (typeof name !== 'string') {
    throw new TypeError(`http: Header.${op}: header name must be a string, got ${typeof name}`);
  }
  const r = recentKeys;
  if (name === r.k0) return r.v0;
  if (name === r.k1) return r.v1;
  if (name === r.k2) return r.v2;
  if (name === r.k3) return r.v3;
  const hit = common.get(name);
  if (hit !== undefined) {
    r.add(name, hit);
    return hit;
  }
  let start = 0;
  if (name.length > TrailerPrefix.length && name.startsWith(TrailerPrefix)) {
    start = TrailerPrefix.length;
  }
  if (name.length === start) {
    throw new InvalidHeaderError(
      `http: Header.${op}: invalid header field name "": a field name must be a non-empty token (RFC 9110 §5.1)`,
      name,
      0,
    );
  }
  for (let i = start; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isTokenByte(c)) {
      throw new InvalidHeaderError(
        `http: Header.${op}: invalid header field name ${JSON.stringify(name)}: ${describeCodeUnit(c)} at index ${i} is not a token character (RFC 9110 §5.1)`,
        name,
        i,
      );
    }
  }
  return start === 0
    ? canonicalHeaderKey(name)
    : TrailerPrefix + canonicalHeaderKey(name.slice(start));
}

// Anything but HTAB and visible ASCII or space.
const notPlainASCII = /[^\t\x20-\x7e]/;

// -1: a valid value of ASCII only; -2: valid, with obs-text (0x80–0xFF); otherwise the index
// of the first code unit a field value may not hold (Go: httpguts.ValidHeaderFieldValue, and
// the grammar's invalidFieldValueIndex). One pass tells both, so the server never has to scan a
// head for bytes that need latin1 encoding.
function scanValue(s: string): number {
  // Most values are plain ASCII: a native regex test says so in under half the time of the loop
  // (the values a middleware stack sets — an id, Vary — were 6% of its request). The loop runs
  // only for what the test flags, to tell obs-text from an invalid character and find where.
  if (!notPlainASCII.test(s)) return -1;
  let r = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 ? c === 0x7f || c > 0xff : c !== 0x09) return i;
    if (c > 0x7f) r = -2;
  }
  return r;
}

// Values that passed, and whether each held obs-text (`''` is a valid value, without).
const recentValues = new Recent<boolean>([['', false]]);

// Validates a value given through the API; returns whether it holds obs-text.
function checkedValue(op: string, key: string, value: unknown): boolean {
  const r = recentValues;
  if (value === r.k0) return r.v0;
  if (value === r.k1) return r.v1;
  if (value === r.k2) return r.v2;
  if (value === r.k3) return r.v3;
  if (typeof value !== 'string') {
    throw new TypeError(
      `http: Header.${op}(${JSON.stringify(key)}): header value must be a string, got ${typeof value} (use String(value) for numbers)`,
    );
  }
  const i = scanValue(value);
  if (i >= 0) {
    const c = value.charCodeAt(i);
    const why =
      c > 0xff
        ? 'values are byte strings (latin1); percent-encode or RFC 8187-encode other text'
        : 'CR, LF, NUL and other controls would let the value end the header line (header injection)';
    throw new InvalidHeaderError(
      `http: Header.${op}(${JSON.stringify(key)}): invalid header field value: ${describeCodeUnit(c)} at index ${i}; ${why}`,
      key,
      i,
    );
  }
  r.add(value, i === -2);
  return i === -2;
}

/**
 * Appends without validation. For the server and the parser, whose input is already checked
 * against the same grammar; never exported from the package entry.
 */
export let appendTrusted: (h: Header, canonicalKey: string, value: string) => void;

/**
 * The canonical names of a header's fields in insertion order, for the server's own walk over a
 * response head; {@link headerValues} holds their value lists at the same indexes. Two accessors,
 * not one returning both: an object per call was an allocation per response head. Read-only by
 * convention; never exported from the package entry.
 */
export let headerNames: (h: Header) => readonly string[];

/** The value lists matching {@link headerNames}. Never exported from the package entry. */
export let headerValues: (h: Header) => readonly (readonly string[])[];

/**
 * The values of `canonicalKey` (a canonical constant: no canonicalization), `undefined` when
 * absent. Never exported from the package entry.
 */
export let fieldValues: (h: Header, canonicalKey: string) => readonly string[] | undefined;

/**
 * Whether a value with obs-text (0x80–0xFF) may be in the header: false means every value is
 * ASCII. Conservative (a deleted value leaves it set). Never exported from the package entry.
 */
export let mayHaveObsText: (h: Header) => boolean;

/**
 * Copy-on-write for the response head. Go's `WriteHeader` clones the handler's header so that
 * later changes do not reach the head; most handlers never change it again, so instead of a
 * clone per response the header is lent: the borrower receives a copy of the lent state just
 * before the first later change (`undefined` takes the loan back). Never exported from the
 * package entry.
 */
export let lendHeader: (h: Header, borrower: HeaderBorrower | undefined) => void;

/**
 * Who a header is lent to; see {@link lendHeader}. The response object itself is the borrower,
 * so lending allocates nothing (a callback per loan was a closure per response). Never exported
 * from the package entry.
 */
export interface HeaderBorrower {
  /** Receives a copy of the lent state just before the header first changes. */
  headerLoanReturned(before: Header): void;
}

// Past this many names a header keeps a name → position index; below it a scan over a few
// (mostly interned) strings is faster than any hash.
const indexFrom = 8;

/**
 * A header of an HTTP message: canonical field names mapped to their values, in insertion order.
 * Go: `http.Header` (`map[string][]string`), with the same method names and results — `get` of a
 * missing key is `''`, `values` of one is empty — plus validation Go only does on the wire.
 *
 * @throws {InvalidHeaderError} from `set`, `add` and the constructor, for a name that is not a
 * token or a value with CR, LF, NUL, another control but HTAB, or a code unit above 0xFF.
 */
export class Header implements Iterable<[string, string[]]> {
  // Canonical names and their value lists, in insertion order. Headers hold a handful of
  // fields, and creating a Map costs more than everything else a response does with its header
  // (measured on Bun 1.4.5: Map + one set 160 ns, these arrays 22 ns); an index is added past
  // `indexFrom` names so large headers stay O(1).
  #names: string[] = [];
  #values: string[][] = [];
  #index: Map<string, number> | undefined;
  #lentTo: HeaderBorrower | undefined;
  #obsText = false;

  static {
    headerNames = (h) => h.#names;
    headerValues = (h) => h.#values;
    fieldValues = (h, k) => {
      const i = h.#find(k);
      return i < 0 ? undefined : h.#values[i];
    };
    mayHaveObsText = (h) => h.#obsText;
    lendHeader = (h, borrower) => {
      h.#lentTo = borrower;
    };
    appendTrusted = (h, key, value) => {
      if (h.#lentTo !== undefined) h.#returnLoan();
      // Received values are not scanned again: assume the worst.
      h.#obsText = true;
      h.#addValue(key, value);
    };
  }

  /** Builds a header, copying `init` through {@link Header.add} so every field is validated. */
  constructor(init?: HeaderInit) {
    if (init === undefined) return;
    if (init instanceof Header) {
      this.#obsText = init.#obsText;
      const vs = init.#values;
      this.#names = init.#names.slice();
      this.#values = new Array<string[]>(vs.length);
      for (let i = 0; i < vs.length; i++) this.#values[i] = (vs[i] as string[]).slice();
      if (init.#index !== undefined) this.#index = new Map(init.#index);
      return;
    }
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<readonly [string, string]>) {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new TypeError('http: new Header(init): each entry must be a [name, value] pair');
        }
        this.add(pair[0], pair[1]);
      }
      return;
    }
    for (const [k, v] of Object.entries(init as Record<string, string | readonly string[]>)) {
      if (Array.isArray(v)) for (const one of v as readonly string[]) this.add(k, one);
      else this.add(k, v as string);
    }
  }

  #find(k: string): number {
    const ix = this.#index;
    if (ix !== undefined) return ix.get(k) ?? -1;
    const names = this.#names;
    for (let i = 0; i < names.length; i++) if (names[i] === k) return i;
    return -1;
  }

  #addValue(k: string, v: string): void {
    const i = this.#find(k);
    if (i >= 0) (this.#values[i] as string[]).push(v);
    else this.#append(k, [v]);
  }

  #append(k: string, vs: string[]): void {
    const at = this.#names.length;
    this.#names.push(k);
    this.#values.push(vs);
    if (this.#index !== undefined) this.#index.set(k, at);
    else if (at + 1 > indexFrom) this.#reindex();
  }

  #reindex(): void {
    const names = this.#names;
    if (names.length <= indexFrom) {
      this.#index = undefined;
      return;
    }
    const ix = new Map<string, number>();
    for (let i = 0; i < names.length; i++) ix.set(names[i] as string, i);
    this.#index = ix;
  }

  /**
   * Returns the first value of `key` (any case), or `''` when there is none — never `undefined`,
   * as in Go (`Header.Get`). Use {@link Header.has} to tell "absent" from "empty".
   */
  get(key: string): string {
    const i = this.#find(lookupKey(key));
    return i < 0 ? '' : ((this.#values[i] as string[])[0] as string);
  }

  /**
   * Returns every value of `key` in the order added; an empty array when there is none. The array
   * is the header's own: read it, don't change it. Go: `Header.Values`.
   */
  values(key: string): readonly string[] {
    const i = this.#find(lookupKey(key));
    return i < 0 ? noValues : (this.#values[i] as string[]);
  }

  /** Reports whether `key` has at least one value (Go: `_, ok := h[CanonicalHeaderKey(key)]`). */
  has(key: string): boolean {
    return this.#find(lookupKey(key)) >= 0;
  }

  /** Replaces every value of `key` with `value`. Go: `Header.Set`. */
  set(key: string, value: string): void {
    const k = checkedKey('set', key);
    if (checkedValue('set', k, value)) this.#obsText = true;
    if (this.#lentTo !== undefined) this.#returnLoan();
    const i = this.#find(k);
    if (i >= 0) this.#values[i] = [value];
    else this.#append(k, [value]);
  }

  /** Appends `value` to the values of `key`. Go: `Header.Add`. */
  add(key: string, value: string): void {
    const k = checkedKey('add', key);
    if (checkedValue('add', k, value)) this.#obsText = true;
    if (this.#lentTo !== undefined) this.#returnLoan();
    this.#addValue(k, value);
  }

  /** Removes every value of `key`; a missing key is not an error. Go: `Header.Del`. */
  delete(key: string): void {
    const i = this.#find(lookupKey(key));
    if (i < 0) return;
    if (this.#lentTo !== undefined) this.#returnLoan();
    this.#names.splice(i, 1);
    this.#values.splice(i, 1);
    if (this.#index !== undefined) this.#reindex();
  }

  /** Alias of {@link Header.delete} under Go's name (`Header.Del`). */
  del(key: string): void {
    this.delete(key);
  }

  // The borrower gets the state it was lent before this header changes.
  #returnLoan(): void {
    const borrower = this.#lentTo as HeaderBorrower;
    this.#lentTo = undefined;
    borrower.headerLoanReturned(new Header(this));
  }

  /** A deep copy: changing one never changes the other. Go: `Header.Clone`. */
  clone(): Header {
    return new Header(this);
  }

  /** How many distinct field names the header has. */
  get size(): number {
    return this.#names.length;
  }

  /**
   * Canonical names in insertion order, as they were when iteration began (deleting while
   * iterating is safe).
   */
  keys(): IterableIterator<string> {
    return this.#names.slice()[Symbol.iterator]();
  }

  /**
   * `[canonicalName, values]` in insertion order, as they were when iteration began; the value
   * arrays are the header's own.
   */
  entries(): IterableIterator<[string, string[]]> {
    const names = this.#names;
    const values = this.#values;
    const out = new Array<[string, string[]]>(names.length);
    for (let i = 0; i < names.length; i++) out[i] = [names[i] as string, values[i] as string[]];
    return out[Symbol.iterator]();
  }

  /** Same as {@link Header.entries}, so `for (const [name, values] of h)` works. */
  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.entries();
  }

  /** A plain object `{ Name: [values] }`, for logging and `JSON.stringify`. */
  toJSON(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const names = this.#names;
    for (let i = 0; i < names.length; i++) {
      out[names[i] as string] = (this.#values[i] as string[]).slice();
    }
    return out;
  }
}
