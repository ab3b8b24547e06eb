/**
 * The CA bundle this server trusts for its own https connections (`outbound-tls-ca`): read once at
 * start, every certificate in it checked, so a wrong file fails the start with the setting named
 * instead of failing each TO0 later. Without the setting the system's roots are trusted.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../platform/errors.ts';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM bundle of `file`, or undefined when no file is set. */
export function readOutboundTlsCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const bad = (why: string) => new ConfigError(`outbound-tls-ca (${file}): ${why}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw bad(`cannot be read: ${(e as Error).message}`);
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw bad('holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw bad(`certificate ${i + 1} does not parse: ${(e as Error).message}`);
    }
  }
  return blocks.join('\n');
}
