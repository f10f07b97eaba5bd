export { createDashboard, type DashboardOptions } from './server';
export { boardFile, type BoardFileInput } from './static-file';
export type { DashboardSource } from './source';
export { LANGUAGES, CATALOGUES, isLanguage, statusWord, type Language, type MessageKey } from './messages';
export { STATUS_COLOURS, NEUTRAL_COLOUR, statusColour } from './status-style';
export { SERVER_CSP } from './csp';
