/**
 * The byte strings that COSE signs, MACs and authenticates (RFC 9052 §4.4, §5.3, §6.3) and the
 * COSE_KDF_Context (RFC 9053 §5.2). They are written directly as CBOR heads around the exact
 * received byte strings: the protected headers are never re-encoded, and one allocation suffices.
 */

const textEncoder = new TextEncoder();

/** A CBOR text string item, encoded once. */
function tstr(s: string): Uint8Array {
  const body = textEncoder.encode(s);
  return Uint8Array.of(...head(3, body.length), ...body);
}

export const Context = {
  Signature: tstr('Signature'),
  Signature1: tstr('Signature1'),
  CounterSignature: tstr('CounterSignature'),
  MAC: tstr('MAC'),
  MAC0: tstr('MAC0'),
  Encrypt: tstr('Encrypt'),
  Encrypt0: tstr('Encrypt0'),
  Enc_Recipient: tstr('Enc_Recipient'),
  Mac_Recipient: tstr('Mac_Recipient'),
  Rec_Recipient: tstr('Rec_Recipient'),
} as const;

const EMPTY = new Uint8Array(0);

function headLength(n: number): number {
  if (n < 24) return 1;
  if (n < 0x100) return 2;
  if (n < 0x10000) return 3;
  if (n < 0x100000000) return 5;
  return 9;
}

/** The shortest head (RFC 8949 §3, §4.2.1) of major type `major` with argument `n`. */
export function head(major: number, n: number): Uint8Array {
  const out = new Uint8Array(headLength(n));
  writeHead(out, 0, major, n);
  return out;
}

function writeHead(out: Uint8Array, o: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) {
    out[o] = m | n;
    return o + 1;
  }
  if (n < 0x100) {
    out[o] = m | 24;
    out[o + 1] = n;
    return o + 2;
  }
  if (n < 0x10000) {
    out[o] = m | 25;
    out[o + 1] = n >>> 8;
    out[o + 2] = n & 0xff;
    return o + 3;
  }
  if (n < 0x100000000) {
    out[o] = m | 26;
    new DataView(out.buffer, out.byteOffset).setUint32(o + 1, n);
    return o + 5;
  }
  out[o] = m | 27;
  new DataView(out.buffer, out.byteOffset).setBigUint64(o + 1, BigInt(n));
  return o + 9;
}

// Verification hands the structure straight to node:crypto, which is done with it on return: one
// buffer serves every such call (up to 64 KiB; larger ones get their own).
const SCRATCH_LIMIT = 64 * 1024;
let scratch = new Uint8Array(512);
// The views of that buffer by length up to VIEW_LIMIT, each made once (and dropped with the buffer
// when it grows): a structure of a length seen before costs no new view.
const VIEW_LIMIT = 1024;
let scratchViews: (Uint8Array | undefined)[] = [];

/** Bytes for a structure of `n` octets, all of which the caller writes. */
function structureBytes(n: number, transient: boolean): Uint8Array {
  if (transient && n <= SCRATCH_LIMIT) {
    if (scratch.length < n) {
      scratch = new Uint8Array(Math.max(n, 2 * scratch.length));
      scratchViews = [];
    }
    if (n > VIEW_LIMIT) return scratch.subarray(0, n);
    let view = scratchViews[n];
    if (view === undefined) {
      view = scratch.subarray(0, n);
      scratchViews[n] = view;
    }
    return view;
  }
  // From node's buffer pool (a plain view of it).
  const pooled = Buffer.allocUnsafe(n);
  return new Uint8Array(pooled.buffer, pooled.byteOffset, n);
}

/** `[context, bstr...]` as CBOR; `transient` when it is used only until the next structure is built. */
function contextArray(context: Uint8Array, bstrs: readonly Uint8Array[], transient = false): Uint8Array {
  let n = 1 + context.length;
  for (const b of bstrs) n += headLength(b.length) + b.length;
  const out = structureBytes(n, transient);
  out[0] = 0x80 | (bstrs.length + 1);
  out.set(context, 1);
  let o = 1 + context.length;
  for (const b of bstrs) {
    o = writeHead(out, o, 2, b.length);
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/**
 * Sig_structure of COSE_Sign1 (RFC 9052 §4.4). `transient`: the bytes are valid only until the next
 * transient structure (for a verification that is done with them at once).
 */
export function sigStructure1(
  bodyProtected: Uint8Array,
  externalAad: Uint8Array | undefined,
  payload: Uint8Array,
  transient = false,
): Uint8Array {
  return contextArray(Context.Signature1, [bodyProtected, externalAad ?? EMPTY, payload], transient);
}

/** Sig_structure of a COSE_Sign signer, or of a counter signature (RFC 9052 §4.4, RFC 8152 §4.5). */
export function sigStructure(
  context: Uint8Array,
  bodyProtected: Uint8Array,
  signProtected: Uint8Array,
  externalAad: Uint8Array | undefined,
  payload: Uint8Array,
): Uint8Array {
  return contextArray(context, [bodyProtected, signProtected, externalAad ?? EMPTY, payload]);
}

/** MAC_structure (RFC 9052 §6.3). */
export function macStructure(context: Uint8Array, protectedBytes: Uint8Array, externalAad: Uint8Array | undefined, payload: Uint8Array) {
  return contextArray(context, [protectedBytes, externalAad ?? EMPTY, payload]);
}

/** Enc_structure (RFC 9052 §5.3). */
export function encStructure(context: Uint8Array, protectedBytes: Uint8Array, externalAad: Uint8Array | undefined): Uint8Array {
  return contextArray(context, [protectedBytes, externalAad ?? EMPTY]);
}
