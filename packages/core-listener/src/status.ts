/**
 * HTTP status codes as registered with IANA, under the names Go's `net/http` gives them
 * (`http.StatusOK` → `StatusOK`), and {@link statusText} for their reason phrases.
 *
 * The reason phrases are Go's, byte for byte, because they appear on the wire in the status line
 * and in the bodies of `error()` responses, and clients and tests written against Go compare them.
 */
/** 100 Continue (RFC 9110, 15.2.1). Go: `http.StatusContinue`. */
export const StatusContinue = 100;
/** 101 Switching Protocols (RFC 9110, 15.2.2). Go: `http.StatusSwitchingProtocols`. */
export const StatusSwitchingProtocols = 101;
/** 102 Processing (RFC 2518, 10.1). Go: `http.StatusProcessing`. */
export const StatusProcessing = 102;
/** 103 Early Hints (RFC 8297). Go: `http.StatusEarlyHints`. */
export const StatusEarlyHints = 103;
/** 200 OK (RFC 9110, 15.3.1). Go: `http.StatusOK`. */
export const StatusOK = 200;
/** 201 Created (RFC 9110, 15.3.2). Go: `http.StatusCreated`. */
export const StatusCreated = 201;
/** 202 Accepted (RFC 9110, 15.3.3). Go: `http.StatusAccepted`. */
export const StatusAccepted = 202;
/** 203 Non-Authoritative Information (RFC 9110, 15.3.4). Go: `http.StatusNonAuthoritativeInfo`. */
export const StatusNonAuthoritativeInfo = 203;
/** 204 No Content (RFC 9110, 15.3.5). Go: `http.StatusNoContent`. */
export const StatusNoContent = 204;
/** 205 Reset Content (RFC 9110, 15.3.6). Go: `http.StatusResetContent`. */
export const StatusResetContent = 205;
/** 206 Partial Content (RFC 9110, 15.3.7). Go: `http.StatusPartialContent`. */
export const StatusPartialContent = 206;
/** 207 Multi-Status (RFC 4918, 11.1). Go: `http.StatusMultiStatus`. */
export const StatusMultiStatus = 207;
/** 208 Already Reported (RFC 5842, 7.1). Go: `http.StatusAlreadyReported`. */
export const StatusAlreadyReported = 208;
/** 226 IM Used (RFC 3229, 10.4.1). Go: `http.StatusIMUsed`. */
export const StatusIMUsed = 226;
/** 300 Multiple Choices (RFC 9110, 15.4.1). Go: `http.StatusMultipleChoices`. */
export const StatusMultipleChoices = 300;
/** 301 Moved Permanently (RFC 9110, 15.4.2). Go: `http.StatusMovedPermanently`. */
export const StatusMovedPermanently = 301;
/** 302 Found (RFC 9110, 15.4.3). Go: `http.StatusFound`. */
export const StatusFound = 302;
/** 303 See Other (RFC 9110, 15.4.4). Go: `http.StatusSeeOther`. */
export const StatusSeeOther = 303;
/** 304 Not Modified (RFC 9110, 15.4.5). Go: `http.StatusNotModified`. */
export const StatusNotModified = 304;
/** 305 Use Proxy (RFC 9110, 15.4.6). Go: `http.StatusUseProxy`. */
export const StatusUseProxy = 305;
/** 307 Temporary Redirect (RFC 9110, 15.4.8). Go: `http.StatusTemporaryRedirect`. */
export const StatusTemporaryRedirect = 307;
/** 308 Permanent Redirect (RFC 9110, 15.4.9). Go: `http.StatusPermanentRedirect`. */
export const StatusPermanentRedirect = 308;
/** 400 Bad Request (RFC 9110, 15.5.1). Go: `http.StatusBadRequest`. */
export const StatusBadRequest = 400;
/** 401 Unauthorized (RFC 9110, 15.5.2). Go: `http.StatusUnauthorized`. */
export const StatusUnauthorized = 401;
/** 402 Payment Required (RFC 9110, 15.5.3). Go: `http.StatusPaymentRequired`. */
export const StatusPaymentRequired = 402;
/** 403 Forbidden (RFC 9110, 15.5.4). Go: `http.StatusForbidden`. */
export const StatusForbidden = 403;
/** 404 Not Found (RFC 9110, 15.5.5). Go: `http.StatusNotFound`. */
export const StatusNotFound = 404;
/** 405 Method Not Allowed (RFC 9110, 15.5.6). Go: `http.StatusMethodNotAllowed`. */
export const StatusMethodNotAllowed = 405;
/** 406 Not Acceptable (RFC 9110, 15.5.7). Go: `http.StatusNotAcceptable`. */
export const StatusNotAcceptable = 406;
/** 407 Proxy Authentication Required (RFC 9110, 15.5.8). Go: `http.StatusProxyAuthRequired`. */
export const StatusProxyAuthRequired = 407;
/** 408 Request Timeout (RFC 9110, 15.5.9). Go: `http.StatusRequestTimeout`. */
export const StatusRequestTimeout = 408;
/** 409 Conflict (RFC 9110, 15.5.10). Go: `http.StatusConflict`. */
export const StatusConflict = 409;
/** 410 Gone (RFC 9110, 15.5.11). Go: `http.StatusGone`. */
export const StatusGone = 410;
/** 411 Length Required (RFC 9110, 15.5.12). Go: `http.StatusLengthRequired`. */
export const StatusLengthRequired = 411;
/** 412 Precondition Failed (RFC 9110, 15.5.13). Go: `http.StatusPreconditionFailed`. */
export const StatusPreconditionFailed = 412;
/** 413 Request Entity Too Large (RFC 9110, 15.5.14). Go: `http.StatusRequestEntityTooLarge`. */
export const StatusRequestEntityTooLarge = 413;
/** 414 Request URI Too Long (RFC 9110, 15.5.15). Go: `http.StatusRequestURITooLong`. */
export const StatusRequestURITooLong = 414;
/** 415 Unsupported Media Type (RFC 9110, 15.5.16). Go: `http.StatusUnsupportedMediaType`. */
export const StatusUnsupportedMediaType = 415;
/** 416 Requested Range Not Satisfiable (RFC 9110, 15.5.17). Go: `http.StatusRequestedRangeNotSatisfiable`. */
export const StatusRequestedRangeNotSatisfiable = 416;
/** 417 Expectation Failed (RFC 9110, 15.5.18). Go: `http.StatusExpectationFailed`. */
export const StatusExpectationFailed = 417;
/** 418 I'm a teapot (RFC 9110, 15.5.19 (unused)). Go: `http.StatusTeapot`. */
export const StatusTeapot = 418;
/** 421 Misdirected Request (RFC 9110, 15.5.20). Go: `http.StatusMisdirectedRequest`. */
export const StatusMisdirectedRequest = 421;
/** 422 Unprocessable Entity (RFC 9110, 15.5.21). Go: `http.StatusUnprocessableEntity`. */
export const StatusUnprocessableEntity = 422;
/** 423 Locked (RFC 4918, 11.3). Go: `http.StatusLocked`. */
export const StatusLocked = 423;
/** 424 Failed Dependency (RFC 4918, 11.4). Go: `http.StatusFailedDependency`. */
export const StatusFailedDependency = 424;
/** 425 Too Early (RFC 8470, 5.2). Go: `http.StatusTooEarly`. */
export const StatusTooEarly = 425;
/** 426 Upgrade Required (RFC 9110, 15.5.22). Go: `http.StatusUpgradeRequired`. */
export const StatusUpgradeRequired = 426;
/** 428 Precondition Required (RFC 6585, 3). Go: `http.StatusPreconditionRequired`. */
export const StatusPreconditionRequired = 428;
/** 429 Too Many Requests (RFC 6585, 4). Go: `http.StatusTooManyRequests`. */
export const StatusTooManyRequests = 429;
/** 431 Request Header Fields Too Large (RFC 6585, 5). Go: `http.StatusRequestHeaderFieldsTooLarge`. */
export const StatusRequestHeaderFieldsTooLarge = 431;
/** 451 Unavailable For Legal Reasons (RFC 7725, 3). Go: `http.StatusUnavailableForLegalReasons`. */
export const StatusUnavailableForLegalReasons = 451;
/** 500 Internal Server Error (RFC 9110, 15.6.1). Go: `http.StatusInternalServerError`. */
export const StatusInternalServerError = 500;
/** 501 Not Implemented (RFC 9110, 15.6.2). Go: `http.StatusNotImplemented`. */
export const StatusNotImplemented = 501;
/** 502 Bad Gateway (RFC 9110, 15.6.3). Go: `http.StatusBadGateway`. */
export const StatusBadGateway = 502;
/** 503 Service Unavailable (RFC 9110, 15.6.4). Go: `http.StatusServiceUnavailable`. */
export const StatusServiceUnavailable = 503;
/** 504 Gateway Timeout (RFC 9110, 15.6.5). Go: `http.StatusGatewayTimeout`. */
export const StatusGatewayTimeout = 504;
/** 505 HTTP Version Not Supported (RFC 9110, 15.6.6). Go: `http.StatusHTTPVersionNotSupported`. */
export const StatusHTTPVersionNotSupported = 505;
/** 506 Variant Also Negotiates (RFC 2295, 8.1). Go: `http.StatusVariantAlsoNegotiates`. */
export const StatusVariantAlsoNegotiates = 506;
/** 507 Insufficient Storage (RFC 4918, 11.5). Go: `http.StatusInsufficientStorage`. */
export const StatusInsufficientStorage = 507;
/** 508 Loop Detected (RFC 5842, 7.2). Go: `http.StatusLoopDetected`. */
export const StatusLoopDetected = 508;
/** 510 Not Extended (RFC 2774, 7). Go: `http.StatusNotExtended`. */
export const StatusNotExtended = 510;
/** 511 Network Authentication Required (RFC 6585, 6). Go: `http.StatusNetworkAuthenticationRequired`. */
export const StatusNetworkAuthenticationRequired = 511;

// A dense array indexed by code keeps statusText() to one bounds check and one load: it is called
// for every status line the server writes that is not pre-encoded.
const reasonPhrases: string[] = [];
reasonPhrases[100] = 'Continue';
reasonPhrases[101] = 'Switching Protocols';
reasonPhrases[102] = 'Processing';
reasonPhrases[103] = 'Early Hints';
reasonPhrases[200] = 'OK';
reasonPhrases[201] = 'Created';
reasonPhrases[202] = 'Accepted';
reasonPhrases[203] = 'Non-Authoritative Information';
reasonPhrases[204] = 'No Content';
reasonPhrases[205] = 'Reset Content';
reasonPhrases[206] = 'Partial Content';
reasonPhrases[207] = 'Multi-Status';
reasonPhrases[208] = 'Already Reported';
reasonPhrases[226] = 'IM Used';
reasonPhrases[300] = 'Multiple Choices';
reasonPhrases[301] = 'Moved Permanently';
reasonPhrases[302] = 'Found';
reasonPhrases[303] = 'See Other';
reasonPhrases[304] = 'Not Modified';
reasonPhrases[305] = 'Use Proxy';
reasonPhrases[307] = 'Temporary Redirect';
reasonPhrases[308] = 'Permanent Redirect';
reasonPhrases[400] = 'Bad Request';
reasonPhrases[401] = 'Unauthorized';
reasonPhrases[402] = 'Payment Required';
reasonPhrases[403] = 'Forbidden';
reasonPhrases[404] = 'Not Found';
reasonPhrases[405] = 'Method Not Allowed';
reasonPhrases[406] = 'Not Acceptable';
reasonPhrases[407] = 'Proxy Authentication Required';
reasonPhrases[408] = 'Request Timeout';
reasonPhrases[409] = 'Conflict';
reasonPhrases[410] = 'Gone';
reasonPhrases[411] = 'Length Required';
reasonPhrases[412] = 'Precondition Failed';
reasonPhrases[413] = 'Request Entity Too Large';
reasonPhrases[414] = 'Request URI Too Long';
reasonPhrases[415] = 'Unsupported Media Type';
reasonPhrases[416] = 'Requested Range Not Satisfiable';
reasonPhrases[417] = 'Expectation Failed';
reasonPhrases[418] = "I'm a teapot";
reasonPhrases[421] = 'Misdirected Request';
reasonPhrases[422] = 'Unprocessable Entity';
reasonPhrases[423] = 'Locked';
reasonPhrases[424] = 'Failed Dependency';
reasonPhrases[425] = 'Too Early';
reasonPhrases[426] = 'Upgrade Required';
reasonPhrases[428] = 'Precondition Required';
reasonPhrases[429] = 'Too Many Requests';
reasonPhrases[431] = 'Request Header Fields Too Large';
reasonPhrases[451] = 'Unavailable For Legal Reasons';
reasonPhrases[500] = 'Internal Server Error';
reasonPhrases[501] = 'Not Implemented';
reasonPhrases[502] = 'Bad Gateway';
reasonPhrases[503] = 'Service Unavailable';
reasonPhrases[504] = 'Gateway Timeout';
reasonPhrases[505] = 'HTTP Version Not Supported';
reasonPhrases[506] = 'Variant Also Negotiates';
reasonPhrases[507] = 'Insufficient Storage';
reasonPhrases[508] = 'Loop Detected';
reasonPhrases[510] = 'Not Extended';
reasonPhrases[511] = 'Network Authentication Required';

/**
 * Returns the reason phrase for an HTTP status code, or `''` when the code is unknown — exactly
 * Go's `http.StatusText` (`statusText(200) === 'OK'`, `statusText(299) === ''`).
 */
export function statusText(code: number): string {
  return reasonPhrases[code] ?? '';
}
