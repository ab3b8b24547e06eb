/**
 * The MUD file a quarantined device is held to: the file's quarantine policy where it has one
 * (draft-ietf-opsawg-mud-quarantine `access-lists`, or NIST's `enabled-ace-names`), else nothing
 * beyond what the manager's configured policy allows.
 */
import type { MudFile, Policy } from '../../mud/model/mud-file.ts';

/** The file reduced to its quarantine policy, or undefined when it has none. */
export function quarantineFile(file: MudFile): MudFile | undefined {
  const q = file.mud.quarantine;
  if (q === undefined || (q.aclNames.length === 0 && q.enabledAceNames.length === 0)) return undefined;
  const from = file.mud.fromDevicePolicy?.aclNames ?? [];
  const to = file.mud.toDevicePolicy?.aclNames ?? [];
  if (q.aclNames.length > 0) {
    // A listed ACL keeps the direction of the device policy that names it; one no policy names
    // describes the device's own traffic, as every MUD ACL does, so it goes from-device.
    const toNames = q.aclNames.filter((n) => to.includes(n) && !from.includes(n));
    const fromNames = q.aclNames.filter((n) => !toNames.includes(n));
    return withPolicies(file, { aclNames: fromNames }, { aclNames: toNames }, file.acls);
  }
  const enabled = new Set(q.enabledAceNames);
  const acls = file.acls.map((acl) => ({ ...acl, aces: acl.aces.filter((ace) => enabled.has(ace.name)) }));
  return withPolicies(file, { aclNames: from }, { aclNames: to }, acls);
}

function withPolicies(file: MudFile, fromDevicePolicy: Policy, toDevicePolicy: Policy, acls: MudFile['acls']): MudFile {
  return { mud: { ...file.mud, fromDevicePolicy, toDevicePolicy }, acls };
}
