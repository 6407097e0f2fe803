#!/usr/bin/env node
import { Command, CommanderError, Option } from "commander";
import { USAGE_EXIT_CODE } from "./exit.js";
import { registerCommands } from "./commands.js";
import { registerGatewayCommands } from "./gateway-commands.js";
import { registerIntelCommands } from "./intel-commands.js";
import { registerReplayCommands } from "./replay-commands.js";
import { endQuietlyWhenReaderLeaves } from "./stdout.js";

endQuietlyWhenReaderLeaves();

const program = new Command();
program
  .name("hydrasentry")
  .description("Catch and stop adversarial distillation (hydra clusters) against an LLM API")
  .version("0.1.0")
  .addOption(new Option("--json", "machine-readable output on stdout"))
  .showHelpAfterError()
  // Thrown, not exited, so a usage error (a missing option, an unknown command) exits as bad
  // arguments do; subcommands inherit this from the program.
  .exitOverride();
registerCommands(program);
registerGatewayCommands(program);
registerIntelCommands(program);
registerReplayCommands(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  // Commander has already printed the usage error (or the help or version asked for).
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
    return;
  }
  process.stderr.write(`hydrasentry: ${String(err)}\n`);
  process.exitCode = 1;
});
