/**
 * What a device reports about itself (`PUT /device/v1/config`): model, manufacturer, serial, its
 * firmware components and versions, and a few free attributes. The whole document is replaced on
 * each report; the schema bounds every part, so a stored document stays small.
 */
import { type Static, Type } from 'typebox';
import {
  MAX_ATTRIBUTES,
  MAX_COMPONENT_CHARS,
  MAX_DEVICE_TEXT_CHARS,
  MAX_FIRMWARE_COMPONENTS,
  MAX_VERSION_CHARS,
} from '../../lifecycle/device-config.ts';

const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description });

/** Letters, digits and `._:-`: attribute names are plain words. */
const ATTRIBUTE_NAME = '^[A-Za-z0-9._:-]{1,64}$';

/** The largest config body, bytes (the schema's bounds keep a valid one well below it). */
export const CONFIG_BODY_LIMIT = 32 * 1024;

export const DeviceConfigBody = Type.Object(
  {
    model: Type.Optional(Text(MAX_DEVICE_TEXT_CHARS, 'the device model')),
    manufacturer: Type.Optional(Text(MAX_DEVICE_TEXT_CHARS, 'its manufacturer')),
    serial: Type.Optional(Text(MAX_DEVICE_TEXT_CHARS, 'its serial number')),
    firmware: Type.Optional(
      Type.Array(
        Type.Object(
          { component: Text(MAX_COMPONENT_CHARS, 'component identifier'), version: Text(MAX_VERSION_CHARS, 'installed version') },
          { additionalProperties: false },
        ),
        { maxItems: MAX_FIRMWARE_COMPONENTS, description: 'installed firmware components' },
      ),
    ),
    attributes: Type.Optional(
      Type.Object(
        {},
        {
          patternProperties: { [ATTRIBUTE_NAME]: Type.String({ maxLength: 256 }) },
          additionalProperties: false,
          maxProperties: MAX_ATTRIBUTES,
          description: 'free attributes: names of letters, digits and ._:- (1–64), text values up to 256',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export type DeviceConfig = Static<typeof DeviceConfigBody>;
