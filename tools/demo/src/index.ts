export { describeExtension, dissect, formatTable, summarize, type Row } from './dissect.js';
export { accountDatagrams, fluteCommand, formatAccount, formatSummary, runFluteDemo, sampleContent, sampleSizes, type DatagramAccount, type DemoFile, type FluteDemoOptions, type FluteDemoResult } from './flute-demo.js';
