/**
 * HTTP: `serve` (node:http underneath, each request a task, web
 * `Request`/`Response`) and `fetch` (the platform's, aborted with its task).
 */
export { type FetchInit, fetch } from './fetch.js';
export { readBytes, readJson, readText } from './read.js';
export { type ReaderBodyOptions, Response, readerBody } from './response.js';
export { type Handler, HttpServer, type RequestInfo, type ServeOptions, serve } from './server.js';
