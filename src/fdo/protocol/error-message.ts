/**
 * The error message (type 255) at the edge of a protocol role, for the code that carries roles
 * over a transport: a client learns from FdoPeerError that the peer ended the protocol, and a
 * server wrapper answers with errorStep when it fails before the role runs. The roles themselves
 * use the rest of lib/peer-error.ts and lib/server-step.ts.
 */
export { FdoPeerError } from './lib/peer-error.ts';
export { errorStep, type ServerHandler } from './lib/server-step.ts';
