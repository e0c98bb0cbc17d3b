/**
 * The errors `ServeMux.handle` throws. Go panics with these at registration (`mux.register`);
 * here they are exceptions of named classes, so a test or a tool can tell them apart, and their
 * messages carry Go's wording behind the package prefix `servemux: `.
 */

/**
 * Any mistake in a registration: an empty pattern, a missing handler, a malformed pattern, or a
 * pattern that conflicts with one already registered. Go: the errors of `ServeMux.registerErr`.
 */
export class RegistrationError extends Error {
  /** The pattern as passed to `handle`. */
  readonly pattern: string;

  /** Builds the error; `message` is prefixed with `servemux: `. */
  constructor(pattern: string, message: string) {
    super(`servemux: ${message}`);
    this.name = 'RegistrationError';
    this.pattern = pattern;
  }
}

/**
 * A pattern that does not parse. The message reads like Go's:
 * `parsing "/{x": at offset 1: bad wildcard segment (must end with '}')`; `offset` is the index in
 * the pattern string where the bad part starts.
 */
export class PatternError extends RegistrationError {
  /** Index into the pattern of the offending part. */
  readonly offset: number;
  /** Why the pattern is invalid, without the position (`empty wildcard`). */
  readonly reason: string;

  /** Builds the error for `pattern`, failing at `offset` because of `reason`. */
  constructor(pattern: string, offset: number, reason: string) {
    super(pattern, `parsing ${JSON.stringify(pattern)}: at offset ${offset}: ${reason}`);
    this.name = 'PatternError';
    this.offset = offset;
    this.reason = reason;
  }
}

/**
 * Two patterns that match some request in common without either being more specific. The message
 * names both, where each was registered, and (Go's `describeConflict`) how they overlap, with a
 * path both match when the paths overlap.
 */
export class ConflictError extends RegistrationError {
  /** The pattern being registered. */
  readonly existing: string;
  /** Where the new pattern was registered (`file:line`). */
  readonly location: string;
  /** Where the existing pattern was registered (`file:line`). */
  readonly existingLocation: string;

  /** Builds the error; `description` is Go's `describeConflict` text. */
  constructor(
    pattern: string,
    location: string,
    existing: string,
    existingLocation: string,
    description: string,
  ) {
    super(
      pattern,
      `pattern ${JSON.stringify(pattern)} (registered at ${location}) conflicts with pattern ${JSON.stringify(existing)} (registered at ${existingLocation}):\n${description}`,
    );
    this.name = 'ConflictError';
    this.existing = existing;
    this.location = location;
    this.existingLocation = existingLocation;
  }
}
