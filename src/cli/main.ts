#!/usr/bin/env node
import { Command, Option } from "commander";
import { registerCommands } from "./commands.js";
import { registerGatewayCommands } from "./gateway-commands.js";
import { registerIntelCommands } from "./intel-commands.js";

const program = new Command();
program
  .name("hydrasentry")
  .description("Catch and stop adversarial distillation (hydra clusters) against an LLM API")
  .version("0.1.0")
  .addOption(new Option("--json", "machine-readable output on stdout"))
  .showHelpAfterError();
registerCommands(program);
registerGatewayCommands(program);
registerIntelCommands(program);
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`hydrasentry: ${String(err)}\n`);
  process.exitCode = 1;
});
