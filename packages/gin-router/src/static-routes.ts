/**
 * The engine's exact-match table for routes without wildcards, in front of the radix tree.
 *
 * Design: a hash table of its own, keyed by a signature of the path read from three code units
 * (its length, its last code unit and the one in its middle), with chains for the paths that
 * share a signature. It replaced a `Map` (itself behind a filter of the same kind): asking a
 * `Map` hashes the whole key, and every request path is a fresh string, so each lookup hashed
 * the request path — on V8 a runtime call that grows with the path (a 37-character static path
 * cost about as much to find as to decode). Here a path whose signature is not in the table is
 * turned away from one array read, and a candidate is confirmed with `===` on two strings of
 * the same length, a compare of their characters that needs no hash.
 *
 * Invariants: `#slots[sig]` is 0 or 1 + the index of the last path added with that signature;
 * `#next[i]` is 1 + the index of the previous one (0 ends the chain). Keys are never removed.
 *
 * Example: with `/status` registered, `/event/42` (length 9, last `2`, middle `t`) finds an
 * empty slot and goes straight to the tree; `/status` finds the slot of `/status` and `===`
 * confirms it.
 */
export class StaticRoutes<T> {
  readonly #slots = new Int32Array(slotCount);
  readonly #keys: string[] = [];
  readonly #values: T[] = [];
  readonly #next: number[] = [];

  /** Adds or replaces the value of `path`. */
  set(path: string, value: T): void {
    const h = signature(path);
    for (let i = (this.#slots[h] as number) - 1; i >= 0; i = (this.#next[i] as number) - 1) {
      if (this.#keys[i] === path) {
        this.#values[i] = value;
        return;
      }
    }
    this.#keys.push(path);
    this.#values.push(value);
    this.#next.push(this.#slots[h] as number);
    this.#slots[h] = this.#keys.length;
  }

  /** The value of `path`, or `undefined`. */
  get(path: string): T | undefined {
    for (let i = (this.#slots[signature(path)] as number) - 1; i >= 0; ) {
      if (this.#keys[i] === path) return this.#values[i];
      i = (this.#next[i] as number) - 1;
    }
    return undefined;
  }
}

const slotCount = 2048;

// The length, the last and the middle code unit: three reads, no loop. The middle one separates
// the paths that share a length and a last character (`/api/v1/users`, `/api/v2/users`), which
// REST-style tables have plenty of.
function signature(p: string): number {
  const n = p.length;
  if (n === 0) return 0;
  return ((n * 37) ^ p.charCodeAt(n - 1) ^ (p.charCodeAt(n >> 1) << 4)) & (slotCount - 1);
}
