export { createProgram, EXIT, runCli } from './cli.js';
