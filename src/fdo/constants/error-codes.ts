/**
 * FDO 1.1 error codes carried in the error message, type 255 (§3.8 "Error Message", Table
 * "Error Codes"). Peers see only these; IoTopia's own `ERR_FDO_*` codes stay in logs.
 */
export const ErrorCode = {
  INVALID_JWT_TOKEN: 1,
  INVALID_OWNERSHIP_VOUCHER: 2,
  INVALID_OWNER_SIGN_BODY: 3,
  INVALID_IP_ADDRESS: 4,
  INVALID_GUID: 5,
  RESOURCE_NOT_FOUND: 6,
  MESSAGE_BODY_ERROR: 100,
  INVALID_MESSAGE_ERROR: 101,
  CRED_REUSE_ERROR: 102,
  INTERNAL_SERVER_ERROR: 500,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeNumber = (typeof ErrorCode)[ErrorCodeName];
