import { orderOf } from './ecosystems.ts';
import { describeEvents, inOrderedRange } from './range-evaluate.ts';
import { SEMVER_ORDER } from './version-order.ts';
import type { OsvAffected } from './vuln-types.ts';

/** A Git commit as a purl version may carry it: 7 to 40 hexadecimal digits. */
const COMMIT = /^[0-9a-f]{7,40}$/i;

/**
 * Why `version` is affected by one OSV `affected` entry, or undefined when it is not. `key` is
 * the entry's ecosystem key. SEMVER ranges use SemVer; ECOSYSTEM ranges the ecosystem's own order
 * where IoTopia has one; otherwise, and for GIT ranges, the explicit `versions` list decides.
 */
export function affectedReason(version: string, affected: OsvAffected, key: string | undefined): string | undefined {
  const notes: string[] = [];
  for (const range of affected.ranges ?? []) {
    if (range.type === 'GIT') {
      const commit = gitCommitReason(version, affected.versions);
      if (commit) return commit;
      continue;
    }
    const order = range.type === 'SEMVER' ? SEMVER_ORDER : key === undefined ? undefined : orderOf(key);
    if (order === undefined) {
      notes.push(`the ${range.type} range of ${key ?? 'an unknown ecosystem'} could not be ordered`);
      continue;
    }
    const inRange = inOrderedRange(version, range.events, order);
    if (inRange === true) return `${range.type} range (${describeEvents(range.events)}), ordered by ${order.name}`;
    if (inRange === undefined) notes.push(`${version} or the ${range.type} range could not be ordered by ${order.name}`);
  }
  if (listed(version, affected.versions)) {
    return notes.length > 0 ? `${version} listed in versions; ${notes.join('; ')}` : `${version} listed in versions`;
  }
  return undefined;
}

// Go versions are "v1.2.3" in purls but may be written without the "v" in OSV lists.
function listed(version: string, versions: string[] | undefined): boolean {
  if (versions === undefined) return false;
  const bare = version.startsWith('v') ? version.slice(1) : undefined;
  return versions.some((v) => v === version || (bare !== undefined && v === bare));
}

/**
 * OSV GIT ranges are commit graphs: deciding them needs the repository's history, which is not
 * available offline. A component whose version is a commit listed in `versions` (full or
 * abbreviated) is affected; nothing else is decided from a GIT range.
 */
function gitCommitReason(version: string, versions: string[] | undefined): string | undefined {
  if (!COMMIT.test(version) || versions === undefined) return undefined;
  const commit = version.toLowerCase();
  const hit = versions.find((v) => {
    const listedCommit = v.toLowerCase();
    return COMMIT.test(listedCommit) && (listedCommit.startsWith(commit) || commit.startsWith(listedCommit));
  });
  return hit === undefined ? undefined : `commit ${version} listed in versions (GIT range history not evaluated offline)`;
}
