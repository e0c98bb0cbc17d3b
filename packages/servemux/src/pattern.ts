/**
 * Patterns — `[METHOD ][HOST]/[PATH]` — and the relations between them that decide precedence and
 * conflicts. Go: `net/http/pattern.go`.
 *
 * Design note. A path is kept as a list of segments, in a form that differs from the surface
 * syntax to make comparisons uniform:
 *
 * - a literal segment `a` → `{ s: 'a' }` (unescaped: `%61` is `a`, `%2F` is a `/` inside one
 *   segment);
 * - `{x}` → `{ s: 'x', wild: true }` — matches exactly one segment;
 * - `{x...}` → `{ s: 'x', wild, multi }` — matches the rest of the path, and a trailing slash is an
 *   anonymous one, `{ s: '', wild, multi }`;
 * - `{$}` → the literal `{ s: '/' }` — matches only the trailing slash.
 *
 * Invariant: a multi segment, or the `/` literal, is only ever the last segment.
 *
 * Two patterns relate as `equivalent`, `moreGeneral`, `moreSpecific`, `disjoint` or `overlaps`,
 * computed from the methods (none ⊃ GET ⊃ HEAD) and the paths segment by segment, and combined with
 * {@link combineRelationships}. Hosts are not compared: a pattern with a host always beats one
 * without, and two different hosts never meet. Conflict = same host and `equivalent` or
 * `overlaps`.
 *
 * Worked example: `/a/{x}` vs `/{y}/b`: segment 1 `a` vs `{y}` is moreSpecific, segment 2 `{x}` vs
 * `b` is moreGeneral; combined they overlap → conflict, and {@link describeConflict} says both
 * match `/a/b`, only the first matches `/a/x`, only the second `/y/b`.
 */
import { PatternError } from './errors.ts';
import { cleanPath, pathUnescape } from './path.ts';

/** One piece of a pattern's path; see the design note. */
export interface Segment {
  readonly s: string;
  readonly wild: boolean;
  readonly multi: boolean;
}

/** A parsed pattern. Go: `pattern`. */
export interface Pattern {
  /** The pattern as written. */
  readonly str: string;
  /** `''` for any method. */
  readonly method: string;
  /** `''` for any host. */
  readonly host: string;
  readonly segments: readonly Segment[];
  /** Where it was registered (`file:line`), for conflict messages. */
  loc: string;
}

// RFC 9110 token characters, which is what Go's validMethod accepts.
const tokenChars = new Uint8Array(128);
for (const ch of "!#$%&'*+-.^_`|~") tokenChars[ch.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) tokenChars[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) tokenChars[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) tokenChars[c] = 1;

/** Reports whether `m` is a valid method: a non-empty token. Go: `validMethod`. */
export function validMethod(m: string): boolean {
  if (m === '') return false;
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c >= 128 || tokenChars[c] !== 1) return false;
  }
  return true;
}

// A Go identifier: a letter or `_`, then letters, digits or `_` (Unicode classes, as Go's).
const identifier = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

function lastSegment(p: Pattern): Segment {
  return p.segments[p.segments.length - 1] as Segment;
}

/**
 * Parses a pattern. Go: `parsePattern`. The method must be a token followed by at least one space
 * or tab; the host is everything up to the first `/`; each path segment is a literal or a whole
 * `{name}`, `{name...}` (last only) or `{$}` (last only); wildcard names are Go identifiers and
 * distinct. A pattern with a method (other than CONNECT) must have a clean path, since paths are
 * cleaned before matching.
 * @throws {PatternError} with Go's message and the offset of the bad part.
 */
export function parsePattern(s: string): Pattern {
  if (s === '') throw new PatternError(s, 0, 'empty pattern');
  let off = 0;
  let method = s;
  let rest = '';
  let found = false;
  const sp = s.search(/[ \t]/);
  if (sp >= 0) {
    method = s.slice(0, sp);
    rest = s.slice(sp + 1).trim();
    found = true;
  }
  if (!found) {
    rest = method;
    method = '';
  }
  if (method !== '' && !validMethod(method)) {
    throw new PatternError(s, off, `invalid method ${JSON.stringify(method)}`);
  }
  if (found) off = method.length + 1;
  const i = rest.indexOf('/');
  if (i < 0) throw new PatternError(s, off, 'host/path missing /');
  const host = rest.slice(0, i);
  rest = rest.slice(i);
  const brace = host.indexOf('{');
  if (brace >= 0) {
    throw new PatternError(s, off + brace, "host contains '{' (missing initial '/'?)");
  }
  off += i;
  if (method !== '' && method !== 'CONNECT' && rest !== cleanPath(rest)) {
    throw new PatternError(s, off, 'non-CONNECT pattern with unclean path can never match');
  }
  const segments: Segment[] = [];
  const seen = new Set<string>();
  while (rest.length > 0) {
    rest = rest.slice(1);
    off = s.length - rest.length;
    if (rest.length === 0) {
      segments.push({ s: '', wild: true, multi: true });
      break;
    }
    let j = rest.indexOf('/');
    if (j < 0) j = rest.length;
    const seg = rest.slice(0, j);
    rest = rest.slice(j);
    const open = seg.indexOf('{');
    if (open < 0) {
      segments.push({ s: pathUnescape(seg), wild: false, multi: false });
      continue;
    }
    if (open !== 0) throw new PatternError(s, off, "bad wildcard segment (must start with '{')");
    if (seg.charCodeAt(seg.length - 1) !== 0x7d) {
      throw new PatternError(s, off, "bad wildcard segment (must end with '}')");
    }
    let name = seg.slice(1, -1);
    if (name === '$') {
      if (rest.length !== 0) throw new PatternError(s, off, '{$} not at end');
      segments.push({ s: '/', wild: false, multi: false });
      break;
    }
    const multi = name.endsWith('...');
    if (multi) name = name.slice(0, -3);
    if (multi && rest.length !== 0) throw new PatternError(s, off, '{...} wildcard not at end');
    if (name === '') throw new PatternError(s, off, 'empty wildcard');
    if (!identifier.test(name)) {
      throw new PatternError(s, off, `bad wildcard name ${JSON.stringify(name)}`);
    }
    if (seen.has(name)) {
      throw new PatternError(s, off, `duplicate wildcard name ${JSON.stringify(name)}`);
    }
    seen.add(name);
    segments.push({ s: name, wild: true, multi });
  }
  return { str: s, method, host, segments, loc: '' };
}

/** How two patterns relate. Go: `relationship`. */
export type Relationship = 'equivalent' | 'moreGeneral' | 'moreSpecific' | 'disjoint' | 'overlaps';

/** The relation of `p2` to `p1` seen from the other side. Go: `inverseRelationship`. */
export function inverseRelationship(r: Relationship): Relationship {
  return r === 'moreSpecific' ? 'moreGeneral' : r === 'moreGeneral' ? 'moreSpecific' : r;
}

/**
 * The relation of two patterns from the relations of two parts of them. Go:
 * `combineRelationships`.
 */
export function combineRelationships(r1: Relationship, r2: Relationship): Relationship {
  switch (r1) {
    case 'equivalent':
      return r2;
    case 'disjoint':
      return 'disjoint';
    case 'overlaps':
      return r2 === 'disjoint' ? 'disjoint' : 'overlaps';
    default:
      if (r2 === 'equivalent') return r1;
      if (r2 === inverseRelationship(r1)) return 'overlaps';
      return r2;
  }
}

/** Methods: none matches all, `GET` also matches `HEAD`, anything else only itself. */
export function compareMethods(p1: Pattern, p2: Pattern): Relationship {
  if (p1.method === p2.method) return 'equivalent';
  if (p1.method === '') return 'moreGeneral';
  if (p2.method === '') return 'moreSpecific';
  if (p1.method === 'GET' && p2.method === 'HEAD') return 'moreGeneral';
  if (p2.method === 'GET' && p1.method === 'HEAD') return 'moreSpecific';
  return 'disjoint';
}

function compareSegments(s1: Segment, s2: Segment): Relationship {
  if (s1.multi && s2.multi) return 'equivalent';
  if (s1.multi) return 'moreGeneral';
  if (s2.multi) return 'moreSpecific';
  if (s1.wild && s2.wild) return 'equivalent';
  // A single wildcard never matches the trailing slash of `{$}`.
  if (s1.wild) return s2.s === '/' ? 'disjoint' : 'moreGeneral';
  if (s2.wild) return s1.s === '/' ? 'disjoint' : 'moreSpecific';
  return s1.s === s2.s ? 'equivalent' : 'disjoint';
}

/** The relation of the path parts. Go: `comparePaths`. */
export function comparePaths(p1: Pattern, p2: Pattern): Relationship {
  const a = p1.segments;
  const b = p2.segments;
  const m1 = lastSegment(p1).multi;
  const m2 = lastSegment(p2).multi;
  // Without a multi at the end, only paths with as many segments can match both.
  if (a.length !== b.length && !m1 && !m2) return 'disjoint';
  let rel: Relationship = 'equivalent';
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    rel = combineRelationships(rel, compareSegments(a[i] as Segment, b[i] as Segment));
    if (rel === 'disjoint') return rel;
  }
  if (a.length === b.length) return rel;
  // The shorter one must end in a multi, which then is more general than the longer one's rest.
  if (a.length < b.length && m1) return combineRelationships(rel, 'moreGeneral');
  if (b.length < a.length && m2) return combineRelationships(rel, 'moreSpecific');
  return 'disjoint';
}

/** Method and path relation together. Go: `comparePathsAndMethods`. */
export function comparePathsAndMethods(p1: Pattern, p2: Pattern): Relationship {
  const mrel = compareMethods(p1, p2);
  if (mrel === 'disjoint') return 'disjoint';
  return combineRelationships(mrel, comparePaths(p1, p2));
}

/**
 * Reports whether some request matches both patterns while neither takes precedence: same host,
 * and equivalent or overlapping. Go: `pattern.conflictsWith`.
 */
export function conflictsWith(p1: Pattern, p2: Pattern): boolean {
  if (p1.host !== p2.host) return false;
  const rel = comparePathsAndMethods(p1, p2);
  return rel === 'equivalent' || rel === 'overlaps';
}

function writeSegment(out: string[], s: Segment): void {
  out.push(!s.multi && s.s !== '/' ? `/${s.s}` : '/');
}

/** A path both patterns match; they must overlap. Go: `commonPath`. */
export function commonPath(p1: Pattern, p2: Pattern): string {
  const out: string[] = [];
  const a = p1.segments;
  const b = p2.segments;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const s1 = a[i] as Segment;
    writeSegment(out, s1.wild ? (b[i] as Segment) : s1);
  }
  for (const s of a.length > n ? a.slice(n) : b.slice(n)) writeSegment(out, s);
  return out.join('');
}

/** A path that `p1` matches and `p2` does not; there must be one. Go: `differencePath`. */
export function differencePath(p1: Pattern, p2: Pattern): string {
  const out: string[] = [];
  const a = p1.segments;
  const b = p2.segments;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const s1 = a[i] as Segment;
    const s2 = b[i] as Segment;
    if (s1.multi && s2.multi) {
      // From here both match the same paths, so the difference was earlier.
      out.push('/');
      return out.join('');
    }
    if (s1.multi && !s2.multi) {
      // A trailing slash tells them apart, unless s2 is `{$}`: then any segment does.
      out.push('/');
      if (s2.s === '/') out.push(s1.s !== '' ? s1.s : 'x');
      return out.join('');
    }
    if (!s1.multi && s2.multi) writeSegment(out, s1);
    else if (s1.wild && s2.wild) writeSegment(out, s1);
    else if (s1.wild && !s2.wild) {
      // Anything but the literal: the wildcard's name, unless it is that literal.
      if (s1.s !== s2.s) writeSegment(out, s1);
      else out.push(`/${s2.s}x`);
    } else writeSegment(out, s1);
  }
  for (const s of a.length > n ? a.slice(n) : b.slice(n)) writeSegment(out, s);
  return out.join('');
}

/**
 * Explains why two conflicting patterns conflict, in Go's words. Go: `describeConflict`.
 */
export function describeConflict(p1: Pattern, p2: Pattern): string {
  const mrel = compareMethods(p1, p2);
  const prel = comparePaths(p1, p2);
  const rel = combineRelationships(mrel, prel);
  if (rel === 'equivalent') return `${p1.str} matches the same requests as ${p2.str}`;
  if (prel === 'overlaps') {
    return (
      `${p1.str} and ${p2.str} both match some paths, like ${JSON.stringify(commonPath(p1, p2))}.\n` +
      'But neither is more specific than the other.\n' +
      `${p1.str} matches ${JSON.stringify(differencePath(p1, p2))}, but ${p2.str} doesn't.\n` +
      `${p2.str} matches ${JSON.stringify(differencePath(p2, p1))}, but ${p1.str} doesn't.`
    );
  }
  if (mrel === 'moreGeneral' && prel === 'moreSpecific') {
    return `${p1.str} matches more methods than ${p2.str}, but has a more specific path pattern`;
  }
  if (mrel === 'moreSpecific' && prel === 'moreGeneral') {
    return `${p1.str} matches fewer methods than ${p2.str}, but has a more general path pattern`;
  }
  return `bug: unexpected way for two patterns ${p1.str} and ${p2.str} to conflict: methods ${mrel}, paths ${prel}`;
}

/** The last segment of a pattern (never absent: every path has at least one). */
export { lastSegment };
