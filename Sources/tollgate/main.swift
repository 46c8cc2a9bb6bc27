// Tollgate — entry point: everything lives in TollgateCLI.

import TollgateCLI

await TollgateCommand.runAsMain()
