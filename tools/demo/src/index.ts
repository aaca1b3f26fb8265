export { describeExtension, dissect, formatTable, summarize, type Row } from './dissect.js';
