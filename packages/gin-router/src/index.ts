/**
 * `@servehttp/gin-router`: gin's Engine, radix-tree router and Context for the servehttp Handler
 * contract. It builds on `@servehttp/core-listener` only and runs on Bun and Node.js 20.
 *
 * ```ts
 * const r = defaultEngine();
 * r.get('/ping', (c) => c.json(200, { message: 'pong' }));
 * // r is a servehttp Handler: serve it, or mount it in a ServeMux.
 * ```
 *
 * @module
 */
import { Engine, type EngineOptions } from './engine.ts';
import { logger } from './logger.ts';
import { debugPrint } from './mode.ts';
import { recovery } from './recovery.ts';

export {
  BindingError,
  type FileHeader,
  MaxBytesError,
  MIMEBSON,
  MIMEHTML,
  MIMEJSON,
  MIMEMSGPACK,
  MIMEMSGPACK2,
  MIMEMultipartPOSTForm,
  MIMEPlain,
  MIMEPOSTForm,
  MIMEPROTOBUF,
  MIMETOML,
  MIMEXML,
  MIMEXML2,
  MIMEYAML,
  MIMEYAML2,
  type MultipartForm,
} from './binding.ts';
export {
  abortIndex,
  Context,
  ContextKeyGin,
  ContextRequestKey,
  type HandlerFunc,
  type Negotiate,
} from './context.ts';
export {
  Engine,
  type EngineOptions,
  type HTMLRender,
  PlatformCloudflare,
  PlatformFlyIO,
  PlatformGoogleAppEngine,
  type RouteInfo,
  RouterGroup,
  resolveAddress,
} from './engine.ts';
export {
  ErrorMsgs,
  ErrorTypeAny,
  ErrorTypeBind,
  ErrorTypeNu,
  ErrorTypePrivate,
  ErrorTypePublic,
  ErrorTypeRender,
  GinError,
} from './errors.ts';
export type {
  ProtoDecoder,
  ProtoEncoder,
  ProtoMessage,
  XMLOptions,
} from './formats.ts';
export { type Middleware, wrap, wrapMiddleware } from './interop.ts';
export {
  defaultLogFormatter,
  disableConsoleColor,
  durationString,
  forceConsoleColor,
  type LogFormatter,
  type LogFormatterParams,
  type LoggerConfig,
  logger,
  loggerWithConfig,
  loggerWithFormatter,
  loggerWithWriter,
} from './logger.ts';
export {
  DebugMode,
  debugPrint,
  defaultErrorWriter,
  defaultWriter,
  EnvGinMode,
  isDebugging,
  mode,
  ReleaseMode,
  setDefaultErrorWriter,
  setDefaultWriter,
  setMode,
  TestMode,
  type Writer,
} from './mode.ts';
export {
  customRecovery,
  customRecoveryWithWriter,
  defaultHandleRecovery,
  type RecoveryFunc,
  recovery,
  recoveryWithWriter,
} from './recovery.ts';
export {
  type Cookie,
  SameSiteDefaultMode,
  SameSiteLaxMode,
  SameSiteNoneMode,
  SameSiteStrictMode,
} from './render.ts';
export { ErrHijackAlreadyWritten, ResponseWriter } from './response-writer.ts';
export { type DirEntry, dir, type FileInfo, type FileSystem } from './static.ts';
export { type Param, RouteError } from './tree.ts';

/**
 * A bare engine: no middleware. gin: `gin.New()` (same as `new Engine(options)`).
 */
export function createEngine(options?: EngineOptions): Engine {
  return new Engine(options);
}

/**
 * An engine with the Logger and Recovery middleware attached. gin: `gin.Default()`.
 */
export function defaultEngine(options?: EngineOptions): Engine {
  debugPrint(`[WARNING] Creating an Engine instance with the Logger and Recovery middleware already attached.

`);
  const e = new Engine(options);
  e.use(logger(), recovery());
  return e;
}
