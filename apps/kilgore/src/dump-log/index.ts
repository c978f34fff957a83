export { type DumpLogFlags, dumpLogCommand, dumpLogFiles } from './command.js';
export { Output } from './output.js';
