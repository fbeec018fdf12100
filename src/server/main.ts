import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

// Started by the client over IPC (see src/client/client.ts); `--stdio` works too for other editors.
startServer(createConnection(ProposedFeatures.all));
