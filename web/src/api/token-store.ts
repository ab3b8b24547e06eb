/**
 * Where the console keeps the API token: this tab's session storage, so that it is gone when the
 * tab closes and never sent anywhere but in the Authorization header of API calls.
 */
const KEY = 'iotopia.token';

export const readToken = (): string | undefined => sessionStorage.getItem(KEY) ?? undefined;
export const saveToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(KEY);
