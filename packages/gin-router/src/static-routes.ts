/**
 * The engine's exact-match table for routes without wildcards, in front of the radix tree.
 *
 * Design: a `Map` from path to value, guarded by a 2,048-bit filter keyed by the path's length
 * and last character. Asking a `Map` hashes the key, and every request path is a fresh string,
 * so on V8 each lookup hashed the whole path even for the parameterised routes that make up
 * most of the traffic and can never be in the table. The filter answers "certainly not here" for
 * most of those from two reads of the string.
 *
 * Invariant: a path that was `set` always has its bit set, so `get` never misses a present path;
 * a set bit only means "maybe" (another path of the same length and last character).
 *
 * Example: with `/status` registered, `/event/42` (length 9, last `2`) finds its bit clear and
 * goes straight to the tree; `/status` (length 7, last `s`) finds its bit set and hits the map.
 */
export class StaticRoutes<T> {
  readonly #map = new Map<string, T>();
  readonly #bits = new Uint32Array(64);

  /** Adds or replaces the value of `path`. */
  set(path: string, value: T): void {
    this.#map.set(path, value);
    const h = filterKey(path);
    this.#bits[h >>> 5] = (this.#bits[h >>> 5] as number) | (1 << (h & 31));
  }

  /** The value of `path`, or `undefined`. */
  get(path: string): T | undefined {
    const h = filterKey(path);
    if (((this.#bits[h >>> 5] as number) & (1 << (h & 31))) === 0) return undefined;
    return this.#map.get(path);
  }
}

function filterKey(p: string): number {
  const n = p.length;
  return n === 0 ? 0 : ((n * 37) ^ p.charCodeAt(n - 1)) & 2047;
}
