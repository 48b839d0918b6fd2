/**
 * The user's site adapters, in extension storage (settings, not data: STYLE.md #10). Read by the options
 * page, the background (to register the content script) and the content script itself.
 * Stored values are validated on read with `effectiveAdapters`, which also adds the built-ins.
 */
import { storage } from 'wxt/utils/storage';
import type { SiteAdapter } from '../sites/adapters';

export const sitesItem = storage.defineItem<SiteAdapter[]>('local:sites', { fallback: [], version: 1 });
