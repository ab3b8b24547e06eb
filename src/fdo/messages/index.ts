/**
 * FDO 1.1 message bodies (DI §5.2, TO0 §5.3, TO1 §5.4, TO2 §5.5, error §3.8): one encoder and one
 * strict decoder per message, and `decodeMessage` to dispatch by message type.
 */
export * from './di.ts';
export * from './error.ts';
export { CoseUnprotectedLabel, EAT_RAND, EatClaim, EatUnprotectedLabel } from './labels.ts';
export { MESSAGE_MAX_BYTES, type MessageLimits } from './limits.ts';
export { decodeMessage, isMessageType, MESSAGE_DECODERS, type MessageBodies } from './registry.ts';
export type { FdoSign1, MessageSigner, PreSigned } from './signed.ts';
export * from './to0.ts';
export * from './to1.ts';
export * from './to2.ts';
