export { encodeFrame, FrameError, FrameSplitter, type FrameSplitterOptions } from './frame-splitter.js';
