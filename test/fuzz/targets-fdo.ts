import { FdoError } from '../../src/fdo/errors.ts';
import { decodeMessage, isMessageType, MESSAGE_DECODERS } from '../../src/fdo/messages/registry.ts';
import type { FuzzTarget } from './engine.ts';

const isFdoError = (e: unknown): boolean => e instanceof FdoError;

/**
 * Every FDO message body decoder. They share one corpus holding valid bodies of every type, so
 * each decoder also meets the other messages' shapes.
 */
export const TARGETS_FDO: ReadonlyArray<{ corpus: string; target: FuzzTarget }> = Object.keys(MESSAGE_DECODERS)
  .map(Number)
  .filter(isMessageType)
  .map((type) => ({
    corpus: 'fdo-messages',
    target: { name: `FDO ${MESSAGE_DECODERS[type].name} (${type}) decode`, run: (b) => void decodeMessage(type, b), expected: isFdoError },
  }));
