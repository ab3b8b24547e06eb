/**
 * Checks a product as a caller gives it. The model has the syntax of a lifecycle release's model
 * (src/lifecycle/releases/release-input.ts), so releases and devices are found by the same string.
 */

import { ProductError } from './errors.ts';
import type { ProductInput } from './product-types.ts';

export const PRODUCT_MODEL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** A declared release's version: as a lifecycle release's. */
export const PRODUCT_VERSION = /^[A-Za-z0-9][A-Za-z0-9._+~-]{0,63}$/;
const MAX_TEXT = 256;
const RESERVED_MODELS: readonly string[] = ['out-of-support'];
const MAX_URL = 2048;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_REMEDIATION_DAYS = 3650;

const bad = (field: string, why: string) => new ProductError('ERR_PRODUCT_INPUT', `${field}: ${why}`);

function checkUrl(field: string, v: string, schemes: readonly string[]): void {
  if (v.length > MAX_URL) throw bad(field, `longer than ${MAX_URL} characters`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(field, 'not a URL');
  }
  if (!schemes.includes(u.protocol)) throw bad(field, `must be a ${schemes.map((s) => s.slice(0, -1)).join(' or ')} URL`);
  if (u.protocol === 'https:' && u.hostname === '') throw bad(field, 'an https URL names a host');
  if (u.protocol === 'mailto:' && !/^[^@\s]+@[^@\s]+$/.test(decodeURIComponent(u.pathname)))
    throw bad(field, 'a mailto URL names one address');
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isDay(v: string): boolean {
  const m = DAY.exec(v);
  if (m === null) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

function checkText(field: string, v: unknown): void {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > MAX_TEXT) throw bad(field, `1–${MAX_TEXT} characters`);
}

/** Throws ERR_PRODUCT_INPUT naming the first field that is wrong. */
export function checkProductInput(p: ProductInput): void {
  if (typeof p.model !== 'string' || !PRODUCT_MODEL.test(p.model))
    throw bad('model', '1–128 letters, digits and ._:- , starting with a letter or digit');
  // The API's report of devices out of support lives at /products/out-of-support.
  if (RESERVED_MODELS.includes(p.model)) throw bad('model', `${p.model} is reserved`);
  checkText('manufacturer', p.manufacturer);
  checkText('name', p.name);
  if (p.mudUrl !== undefined) checkUrl('mudUrl', p.mudUrl, ['https:']);
  if (p.disclosurePolicyUrl !== undefined) checkUrl('disclosurePolicyUrl', p.disclosurePolicyUrl, ['https:']);
  if (p.securityContact !== undefined) checkUrl('securityContact', p.securityContact, ['mailto:', 'https:']);
  if (p.supportEnd !== undefined && !isDay(p.supportEnd)) throw bad('supportEnd', 'a date YYYY-MM-DD');
  for (const f of ['supportPublished', 'updatable', 'constrained', 'usesPasswords', 'hasUserInterface', 'processesPersonalData'] as const)
    if (typeof p[f] !== 'boolean') throw bad(f, 'true or false');
  const days = p.remediationDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > MAX_REMEDIATION_DAYS))
    throw bad('remediationDays', `an integer 1–${MAX_REMEDIATION_DAYS}`);
}
