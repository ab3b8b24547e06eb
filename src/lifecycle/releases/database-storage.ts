/** Payload chunks as rows of the store (`payload_chunks`): every replica reads them with nothing else shared. */
import type { PayloadRepository } from '../../store/payload-repository.ts';
import type { PayloadStorage } from './payload-storage.ts';

export function databasePayloadStorage(payloads: PayloadRepository): PayloadStorage {
  return {
    location: 'database',
    async open(blobId) {
      return {
        write: (index, chunk) => payloads.putChunk(blobId, index, chunk),
        commit: async () => {},
        abort: async () => void (await payloads.deleteChunks(blobId)),
      };
    },
    async readChunk(blobId, index, _offset, length) {
      const chunk = await payloads.getChunk(blobId, index);
      return chunk === undefined || chunk.length !== length ? undefined : chunk;
    },
    remove: async (blobId) => void (await payloads.deleteChunks(blobId)),
    blobsBefore: (before, limit) => payloads.chunkBlobsBefore(before, limit),
  };
}
