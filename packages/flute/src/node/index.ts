/// <reference types="node" />
// @proto/flute/node: the Node-only parts (files). The engines themselves are in the main entry.
export { FileWriter, type FileWriterOptions } from './file-writer.js';
export { fileSource } from './file-source.js';
