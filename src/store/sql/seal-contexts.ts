/**
 * The additional data each sealed column is bound to: table, column and row. Kept in one place
 * because re-sealing (rekey) must name exactly what the repositories name.
 */
export const keyPrivateKeyContext = (name: string): string => `keys.private_key:${name}`;
export const sessionStateContext = (tokenHash: string): string => `sessions.state:${tokenHash}`;
/** Scope and key as a JSON pair, so no choice of either can make two rows' contexts equal. */
export const settingValueContext = (scope: string, key: string): string => `settings.value:${JSON.stringify([scope, key])}`;
export const KEK_CHECK = 'kek-check';
export const KEK_CHECK_CONTEXT = 'store_meta.value:kek-check';
