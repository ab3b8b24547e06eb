/**
 * The data file of each catalog id. A file name carries the version of the document it
 * summarises, so a new edition is a new file next to the old one, under its own id.
 */
export const CATALOG_FILES: Readonly<Record<string, string>> = {
  'en303645-v2': 'en303645-v2.1.1.json',
  'en303645-v3': 'en303645-v3.1.3.json',
  nistir8259a: 'nistir8259a-2020-05.json',
  nistir8259b: 'nistir8259b-2021-08.json',
  nistir8425: 'nistir8425-2022-09.json',
  'cra-annex1': 'cra-annex1-2024-2847.json',
  'uk-psti': 'uk-psti-2023-1007.json',
  'us-ca-sb327': 'us-ca-sb327-2018.json',
  'en18031-1': 'en18031-1-2024.json',
};

/** The cross-catalog mappings (CatalogMapping[]). */
export const MAPPINGS_FILE = 'mappings.json';

/** Where the data files are: beside this module, so they load from src/ and from a copied build alike. */
export function catalogDataUrl(file: string): URL {
  return new URL(`./data/${file}`, import.meta.url);
}
