/** A device GUID from the store's lowercase hex (32 digits). */
export const guidFromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
