/**
 * DNS names of peer addresses, from the DNS answers the device received in the capture. An
 * address is named by the name the device asked for: where a CNAME chain led to it, the start of
 * the chain, not the CDN's canonical name. The first name seen for an address wins.
 */
import { dnsAnswers } from '../capture/dns.ts';
import type { Packet } from '../capture/packet.ts';

export class NameBook {
  readonly #byAddress = new Map<string, string>();

  /** Reads the DNS answers of a packet sent to the device. */
  add(p: Packet): void {
    const answers = dnsAnswers(p);
    if (answers.length === 0) return;
    const targets = new Set(answers.filter((a) => a.type === 'CNAME').map((a) => a.value));
    for (const a of answers) {
      if (a.type === 'CNAME' || targets.has(a.name) || a.name === '') continue;
      if (!this.#byAddress.has(a.value)) this.#byAddress.set(a.value, a.name);
    }
  }

  nameOf(address: string): string | undefined {
    return this.#byAddress.get(address);
  }

  get size(): number {
    return this.#byAddress.size;
  }
}
