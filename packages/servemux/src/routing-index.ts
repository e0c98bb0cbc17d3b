/**
 * An index that narrows down which registered patterns a new one must be checked against for
 * conflicts. Go: `net/http/routing_index.go`.
 *
 * Design note: patterns ending in a multi (trailing slash or `{x...}`) go into one list, checked
 * every time — there are few of them. Every other pattern is filed under each (position, literal)
 * pair of its segments, with `''` standing for a single wildcard. A new pattern can only conflict
 * with patterns that, at each of its literal positions, have the same literal or a wildcard; so it
 * is enough to check the multis plus, at the one literal position with the fewest candidates, the
 * patterns with that literal and those with a wildcard there. A `{$}` pattern only meets other
 * `{$}` patterns with the `/` in the same place (and multis). Returning too many candidates is
 * harmless; missing one would not be, which `routing-index.test.ts` checks against brute force.
 *
 * Example: with `/a/b`, `/a/{x}` and `/c/` registered, `/a/d` is checked against `/c/` (a multi)
 * and the position-1 bucket — literal `d` (none) plus wildcard (`/a/{x}`); `/a/b` is never looked
 * at, since position 1 differs.
 */
import { lastSegment, type Pattern } from './pattern.ts';

/** Finds possibly conflicting patterns. Go: `routingIndex`. */
export class RoutingIndex {
  // Key: position, a NUL, then the literal (or nothing for a wildcard).
  readonly #segments = new Map<string, Pattern[]>();
  readonly #multis: Pattern[] = [];

  /** Files a registered pattern. */
  add(p: Pattern): void {
    if (lastSegment(p).multi) {
      this.#multis.push(p);
      return;
    }
    p.segments.forEach((seg, pos) => {
      const key = `${pos}\0${seg.wild ? '' : seg.s}`;
      const list = this.#segments.get(key);
      if (list === undefined) this.#segments.set(key, [p]);
      else list.push(p);
    });
  }

  /**
   * Every registered pattern that might conflict with `p` (possibly more, never fewer), multis
   * first. Go: `possiblyConflictingPatterns`.
   */
  candidates(p: Pattern): Pattern[] {
    const out = this.#multis.slice();
    const segs = p.segments;
    const last = lastSegment(p);
    if (!last.wild && last.s === '/') {
      // Every path a `{$}` pattern matches ends in a slash, which no ordinary pattern matches.
      out.push(...(this.#segments.get(`${segs.length - 1}\0/`) ?? []));
      return out;
    }
    let best: Pattern[] | undefined;
    let bestWild: Pattern[] = [];
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i] as (typeof segs)[number];
      if (seg.multi) break;
      if (seg.wild) continue;
      const lit = this.#segments.get(`${i}\0${seg.s}`) ?? [];
      const wild = this.#segments.get(`${i}\0`) ?? [];
      if (lit.length + wild.length < min) {
        best = lit;
        bestWild = wild;
        min = lit.length + wild.length;
      }
    }
    if (best !== undefined) {
      out.push(...best, ...bestWild);
      return out;
    }
    // All wildcards: check everything.
    for (const list of this.#segments.values()) out.push(...list);
    return out;
  }
}
