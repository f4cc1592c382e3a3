// The headless `berth` command. Each subcommand lives in its own file; this one only wires them.
import { Command } from 'commander';
import { registerUpCommand } from './up-command.js';
import { registerTargetsCommand } from './targets-command.js';
import { registerValidateCommand } from './validate-command.js';

import { registerExportCommand, registerImportCommand } from './export-command.js';
import { registerStatusCommand } from './status-command.js';
import { registerCaCommand } from './ca-command.js';
import { registerStartCommand } from './start-command.js';
import { registerConfigCommand } from './config-command.js';
import { registerContainersCommand } from './containers-command.js';
import { resolveDataDir } from '../config/data-dir.js';

const program = new Command('berth')
  .description('Berth: AWS-style load balancers in front of your local Docker containers')
  .option('--data-dir <dir>', 'where Berth keeps its CA, certificates and control endpoint (default: $BERTH_DATA_DIR or the OS app-data folder)')
  .showHelpAfterError();

const dataDir = (): string => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir);

registerUpCommand(program, dataDir);
registerValidateCommand(program);
registerTargetsCommand(program);

registerExportCommand(program);
registerImportCommand(program);
registerStatusCommand(program, dataDir);
registerCaCommand(program, dataDir);
registerStartCommand(program);
registerConfigCommand(program, dataDir);
registerContainersCommand(program, dataDir);

await program.parseAsync(process.argv);
