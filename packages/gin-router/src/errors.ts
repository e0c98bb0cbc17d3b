/**
 * Errors attached to a request with `c.error()`, and their list `c.errors`. gin: `errors.go`.
 */

/** Kinds of {@link GinError}, bit flags. gin: `ErrorType` (values differ; the bits fit 31). */
export const ErrorTypeBind: number = 1 << 30;
/** An error from rendering. gin: `ErrorTypeRender`. */
export const ErrorTypeRender: number = 1 << 29;
/** A private error (the default). gin: `ErrorTypePrivate`. */
export const ErrorTypePrivate: number = 1 << 0;
/** A public error. gin: `ErrorTypePublic`. */
export const ErrorTypePublic: number = 1 << 1;
/** Any type. gin: `ErrorTypeAny`. */
export const ErrorTypeAny: number = 0x7fffffff;
/** No type. gin: `ErrorTypeNu`. */
export const ErrorTypeNu: number = 2;

/** One error of a request, with its type and optional metadata. gin: `*gin.Error`. */
export class GinError extends Error {
  /** The wrapped error. */
  readonly err: unknown;
  /** Bit flags, see `ErrorType…`. */
  type: number;
  /** Anything attached with {@link GinError.setMeta}. */
  meta: unknown;

  /** Wraps `err`; its message becomes this error's message. */
  constructor(err: unknown, type: number = ErrorTypePrivate, meta?: unknown) {
    super(err instanceof Error ? err.message : String(err), { cause: err });
    this.name = 'GinError';
    this.err = err;
    this.type = type;
    this.meta = meta;
  }

  /** Sets the type; returns `this`. gin: `Error.SetType`. */
  setType(type: number): this {
    this.type = type;
    return this;
  }

  /** Sets the metadata; returns `this`. gin: `Error.SetMeta`. */
  setMeta(meta: unknown): this {
    this.meta = meta;
    return this;
  }

  /** Reports whether the type has any of the bits of `flags`. gin: `Error.IsType`. */
  isType(flags: number): boolean {
    return (this.type & flags) > 0;
  }

  /**
   * The JSON form gin renders: the meta object's fields plus `error`, or `{ error, meta }` for
   * other meta. gin: `Error.JSON`.
   */
  toJSON(): unknown {
    const m = this.meta;
    if (m !== undefined && m !== null && typeof m === 'object' && !Array.isArray(m)) {
      const out: Record<string, unknown> = { ...(m as Record<string, unknown>) };
      if (out.error === undefined) out.error = this.message;
      return out;
    }
    if (m !== undefined && m !== null) return { error: this.message, meta: m };
    return { error: this.message };
  }
}

/** The errors of one request, in order. gin: `errorMsgs`. */
export class ErrorMsgs extends Array<GinError> {
  /** `map`, `filter` and `slice` of an `ErrorMsgs` return plain arrays (the species). */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** The errors having any bit of `type`; all of them for `ErrorTypeAny`. gin: `ByType`. */
  byType(type: number): ErrorMsgs {
    const out = new ErrorMsgs();
    for (const e of this) if (type === ErrorTypeAny || e.isType(type)) out.push(e);
    return out;
  }

  /** The last error, or `undefined`. gin: `Last`. */
  last(): GinError | undefined {
    return this[this.length - 1];
  }

  /** The messages. gin: `Errors`. */
  errors(): string[] {
    return Array.from(this, (e) => e.message);
  }

  /** gin's text form: `Error #01: msg\n` plus `     Meta: …\n` lines. gin: `String`. */
  override toString(): string {
    let s = '';
    for (let i = 0; i < this.length; i++) {
      const e = this[i] as GinError;
      s += `Error #${String(i + 1).padStart(2, '0')}: ${e.message}\n`;
      if (e.meta !== undefined && e.meta !== null) s += `     Meta: ${String(e.meta)}\n`;
    }
    return s;
  }
}
