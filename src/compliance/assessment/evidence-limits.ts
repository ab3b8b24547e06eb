/** The limits on evidence a maker or a probe sends: every field is bounded before it is stored. */

/** A product model, as releases and devices carry it (src/compliance/products/product-types.ts). */
export const PRODUCT_MODEL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Catalog and provision ids ("en303645-v3", "5.1-1", "I.1(a)"). */
export const EVIDENCE_ID_TEXT = /^[A-Za-z0-9][A-Za-z0-9._:()-]{0,63}$/;
export const MAX_STATEMENT_CHARS = 8000;
export const MAX_ATTACHMENTS = 20;
/** One attachment: 10 MiB. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** All attachments of one statement together: 32 MiB. */
export const MAX_STATEMENT_BYTES = 32 * 1024 * 1024;
export const MAX_ATTACHMENT_NAME = 255;
/** A media type as RFC 6838 §4.2 names it: type "/" subtype, restricted-name characters. */
export const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
/** A file name without a path, control characters or quotes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
export const ATTACHMENT_NAME = /^[^/\\\u0000-\u001f\u007f"]{1,255}$/;
export const MANUAL_OUTCOMES = ['met', 'not-met', 'partially-met', 'not-applicable'] as const;
