/** The `/hello` body: "Hello, World!" (13 bytes) or, for the size sweep, that many bytes of `x`. */
export function helloBody(size: number): string {
  return size === 13 ? 'Hello, World!' : 'x'.repeat(size);
}
