/**
 * A sorted set of lower-case header names that checks an `Access-Control-Request-Headers` value in
 * one pass, without splitting or allocating. Ported in behaviour from rs/cors `internal/sortedset.go`
 * (itself from jub0bs/cors).
 *
 * Design: each name maps to its rank in lexicographic order. The Fetch standard sends the request
 * header names lower-cased, sorted and unique, so an acceptable value is one whose names have
 * strictly increasing ranks; anything else (unknown, repeated, out of order) is rejected in the
 * same loop. Defences against hostile input: at most `maxOWS` (1) byte of optional whitespace on
 * each side of a name, at most `maxEmpty` (16) empty elements in total, and a comma is looked for
 * only within the longest possible element, so a megabyte without commas costs one bounded scan.
 *
 * Example: set {accept, content-type, x-requested-with} ranks them 0, 1, 2;
 * `"accept,x-requested-with"` gives ranks 0 then 2 → accepted; `"x-requested-with,accept"` gives
 * 2 then 0 → rejected; `" accept ,"` → accepted (one OWS byte each side, one empty element).
 */

const maxOWS = 1;
const maxEmpty = 16;

function isOWS(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** See the module note. */
export class SortedSet {
  readonly #rank: Map<string, number>;
  readonly #maxLen: number;

  /** Builds the set from `elems` (duplicates collapse). */
  constructor(elems: readonly string[]) {
    const sorted = [...new Set(elems)].sort();
    this.#rank = new Map(sorted.map((e, i) => [e, i]));
    let maxLen = 0;
    for (const e of sorted) maxLen = Math.max(maxLen, e.length);
    this.#maxLen = maxLen;
  }

  /** How many distinct names the set holds. */
  get size(): number {
    return this.#rank.size;
  }

  /** The names in order, comma-joined. */
  toString(): string {
    return [...this.#rank.keys()].join(',');
  }

  /**
   * Reports whether the field lines `values` list only members of the set, sorted and unique,
   * within the whitespace and empty-element budgets of the module note.
   */
  accepts(values: readonly string[]): boolean {
    const window = maxOWS + this.#maxLen + maxOWS + 1;
    let last = -1;
    let empty = 0;
    for (const line of values) {
      let s = line;
      for (;;) {
        const end = Math.min(s.length, window);
        const comma = s.slice(0, end).indexOf(',');
        const found = comma !== -1;
        const raw = found ? s.slice(0, comma) : s;
        s = found ? s.slice(comma + 1) : '';
        const name = trimOWS(raw);
        if (name === undefined) return false;
        if (name === '') {
          if (++empty > maxEmpty) return false;
          if (!found) break;
          continue;
        }
        const pos = this.#rank.get(name);
        if (pos === undefined || pos <= last) return false;
        last = pos;
        if (!found) break;
      }
    }
    return true;
  }
}

// Trims at most maxOWS whitespace bytes from each end; undefined when there is more.
function trimOWS(s: string): string | undefined {
  let start = 0;
  let end = s.length;
  while (end > 0 && isOWS(s.charCodeAt(end - 1))) end--;
  if (s.length - end > maxOWS) return undefined;
  while (start < end && isOWS(s.charCodeAt(start))) start++;
  if (start > maxOWS) return undefined;
  return s.slice(start, end);
}
