// Every view of a results document, as pure functions of the document (plus file helpers for the CLI).
export { renderTerminal } from './terminal.js';
export type { TerminalOptions } from './terminal.js';
export { renderMarkdown } from './markdown.js';
export { renderHtml } from './html.js';
export { canonicalKey, canonicalValue, diffSettings, normalizedConfig } from './settings.js';
export type { SettingRow, SettingsDiff, SettingSection } from './settings.js';
export { aaView, buildGroups, DEFAULT_BASELINE } from './model.js';
export type { AaView, ArmGroup, ArmRow, RatioTest, ReportOptions } from './model.js';
export { compareResults, renderCompareMarkdown, renderCompareTerminal } from './compare.js';
export type { ArmComparison, ArmKey, CompareOptions, CompareResult, CompareViewOptions, MetricChange, MetricId, MetricTally } from './compare.js';
export { loadResults, parseResults } from './load.js';
export { redactConfig, redactDeep } from './format.js';
export { documentHdrLog, writeReports } from './files.js';
export type { ReportFiles } from './files.js';
