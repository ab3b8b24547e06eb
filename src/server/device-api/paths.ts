/** Where the device API lives on the server. */
export const DEVICE_API_PREFIX = '/device/v1';
