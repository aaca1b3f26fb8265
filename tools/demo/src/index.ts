export { describeExtension, dissect, formatTable, summarize, type Row } from './dissect.js';
export { fluteCommand, formatSummary, runFluteDemo, sampleContent, sampleSizes, type DemoFile, type FluteDemoOptions, type FluteDemoResult } from './flute-demo.js';
