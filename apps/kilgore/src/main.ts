#!/usr/bin/env node
import { Command } from 'commander';
import { serveCommand } from './serve.js';

const program = new Command('kilgore')
  .description('Kilgore: a Kafka-wire-compatible broker')
  .showHelpAfterError()
  .addCommand(serveCommand());

await program.parseAsync(process.argv);
