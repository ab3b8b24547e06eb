/**
 * Files received in pieces (ServiceInfo downloads on a device, uploads at the owner): a `.part`
 * file made empty and private, appended to piece by piece, read back by range for the module's
 * checks, and renamed into place only when the transfer is complete.
 */
import { chmod, open, writeFile } from 'node:fs/promises';

/** Creates (or empties) the part file, readable by this user only (0600 whatever the umask or an older mode). */
export async function createPartFile(path: string): Promise<void> {
  await writeFile(path, new Uint8Array(0), { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function appendToPartFile(path: string, bytes: Uint8Array): Promise<void> {
  const f = await open(path, 'a');
  try {
    await f.write(bytes);
  } finally {
    await f.close();
  }
}

/** Up to `length` bytes from `offset`; fewer at the end of the file. */
export async function readFileRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const f = await open(path, 'r');
  try {
    const out = new Uint8Array(length);
    const { bytesRead } = await f.read(out, 0, length, offset);
    return out.subarray(0, bytesRead);
  } finally {
    await f.close();
  }
}
