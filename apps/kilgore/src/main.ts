#!/usr/bin/env node
import { Command } from 'commander';
import { consumeCommand, produceCommand, topicsCommand } from './client-commands.js';
import { dumpLogCommand } from './dump-log/index.js';
import { serveCommand } from './serve.js';

const program = new Command('kilgore')
  .description('Kilgore: a Kafka-wire-compatible broker')
  .showHelpAfterError()
  .addCommand(serveCommand())
  .addCommand(topicsCommand())
  .addCommand(produceCommand())
  .addCommand(consumeCommand())
  .addCommand(dumpLogCommand());

await program.parseAsync(process.argv);
