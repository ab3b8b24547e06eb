/**
 * The console's client-side routes: the server answers each of these paths (and the paths under
 * them) with the console's index page, so that a link to a page, or a reload on it, opens that
 * page. Everything else stays with the routes that own it (/api/v1, /fdo, /device/v1, /mud, …).
 */
export const CONSOLE_PAGES = ['login', 'fleet', 'devices', 'onboarding', 'intent', 'updates', 'compliance', 'settings'] as const;
